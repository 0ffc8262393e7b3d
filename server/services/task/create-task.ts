import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { TaskCreateInput } from "../../schemas/task";
import type { AgentRuntime } from "../../agents/runtime";
import { chatTitleFor } from "../../agents/creator-chat";

export type CreatedTask = { taskId: string; chatId: string; sessionId: string | null };

/**
 * A task from a script, the CLI, an agent (new_task), the arena or an MCP client. Its chat is the
 * one given, else the one its (creator, ref) already has in the session, else a new tab of the
 * session (or a standalone chat without one). A follow-up (`fromTaskId`) always gets a new tab in
 * the session of the task that started it, and the tab records who started it.
 */
export async function createTask(deps: { db: Db; agents: AgentRuntime }, input: TaskCreateInput): Promise<CreatedTask> {
  const { db, agents } = deps;
  let sessionId = input.sessionId ?? null;
  let chatTitle = chatTitleFor(input.creator, input.prompt);

  if (input.chatId) {
    const chat = await db.chat.findUnique({ where: { id: input.chatId }, select: { sessionId: true } });
    if (!chat) throw notFound("Tab", input.chatId);
    if (sessionId && chat.sessionId !== sessionId) {
      throw new AppError("BAD_REQUEST", `chatId: tab ${input.chatId} is not a tab of session ${sessionId}`);
    }
    sessionId = chat.sessionId;
  } else if (input.fromTaskId) {
    const parent = await db.task.findUnique({ where: { id: input.fromTaskId }, select: { sessionId: true, chat: { select: { title: true } } } });
    if (!parent) throw notFound("Task", input.fromTaskId);
    sessionId = parent.sessionId;
    if (parent.chat) chatTitle = `${chatTitle} (from ${parent.chat.title})`.slice(0, 200);
  } else if (sessionId) {
    const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
    if (!session) throw notFound("Session", sessionId);
  }

  const started = await agents.startTask({
    creator: input.creator,
    prompt: input.prompt,
    chatId: input.chatId ?? null,
    creatorRef: input.ref ?? null,
    agent: input.agent,
    model: input.model,
    sessionId,
    startedByTaskId: input.fromTaskId ?? null,
    chatTitle,
  });
  return { taskId: started.taskId, chatId: started.chatId, sessionId };
}
