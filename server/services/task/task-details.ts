import type { Task } from "@prisma/client";
import type { Db } from "../../db";
import { parseParts, type TaskStatus } from "../../schemas/chat-event";

/** A task as scripts and clients see it: the status view plus its prompt, session and output. */
export type TaskDetails = {
  id: string;
  chatId: string | null;
  sessionId: string | null;
  agent: string;
  creator: string;
  status: TaskStatus;
  error: string | null;
  prompt: string;
  /** The assistant's text of this task so far (null before any). */
  output: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export function toDetails(task: Task, output: string | null): TaskDetails {
  return {
    id: task.id,
    chatId: task.chatId,
    sessionId: task.sessionId,
    agent: task.agent,
    creator: task.creator,
    status: task.status as TaskStatus,
    error: task.error,
    prompt: task.prompt,
    output,
    createdAt: task.createdAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
  };
}

/** The text the agent answered in a task: its assistant messages' text and output parts, in order. */
export async function outputsOf(db: Db, taskIds: string[]): Promise<Map<string, string>> {
  if (taskIds.length === 0) return new Map();
  const messages = await db.message.findMany({
    where: { taskId: { in: taskIds }, role: "assistant" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { taskId: true, parts: true },
  });
  const outputs = new Map<string, string[]>();
  for (const message of messages) {
    if (!message.taskId) continue;
    const texts = parseParts(message.parts).flatMap((part) => (part.type === "text" || part.type === "output" ? [part.text] : []));
    if (texts.length === 0) continue;
    outputs.set(message.taskId, [...(outputs.get(message.taskId) ?? []), ...texts]);
  }
  return new Map([...outputs].map(([id, texts]) => [id, texts.join("\n\n")]));
}
