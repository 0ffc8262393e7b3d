import type { Message, Task } from "@prisma/client";
import type { Db } from "../../db";
import { parseParts, type MessageRole, type StoredMessage, type StoredPart, type TaskStatus, type TaskView } from "../../schemas/chat-event";
import type { ChatEvents } from "../chat-events";

/** Reading and writing tasks and messages, and telling the chat's subscribers about it. */

const TERMINAL: TaskStatus[] = ["succeeded", "failed", "cancelled"];

export function isTerminal(status: string): boolean {
  return (TERMINAL as string[]).includes(status);
}

export function toTaskView(task: Task): TaskView {
  return {
    id: task.id,
    chatId: task.chatId,
    agent: task.agent,
    creator: task.creator,
    status: task.status as TaskStatus,
    error: task.error,
    createdAt: task.createdAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
  };
}

export function toStoredMessage(message: Message): StoredMessage {
  return {
    id: message.id,
    chatId: message.chatId,
    taskId: message.taskId,
    role: message.role as MessageRole,
    parts: parseParts(message.parts),
    createdAt: message.createdAt.toISOString(),
  };
}

async function publishTask(db: Db, events: ChatEvents, taskId: string) {
  const task = await db.task.findUnique({ where: { id: taskId } });
  if (task?.chatId) events.publish(task.chatId, { type: "task", task: toTaskView(task) });
  return task;
}

/** queued → running; false when the task had already left `queued` (cancelled before it started). */
export async function markRunning(db: Db, events: ChatEvents, task: Task): Promise<boolean> {
  const startedAt = new Date();
  const { count } = await db.task.updateMany({ where: { id: task.id, status: "queued" }, data: { status: "running", startedAt } });
  // Published from what we know: one read less on the way to the first token.
  if (count > 0 && task.chatId) events.publish(task.chatId, { type: "task", task: toTaskView({ ...task, status: "running", startedAt }) });
  return count > 0;
}

/** running|queued → a final status, once: a task that already ended keeps its first ending. */
export async function finishTask(
  db: Db,
  events: ChatEvents,
  taskId: string,
  status: Extract<TaskStatus, "succeeded" | "failed" | "cancelled">,
  error: string | null,
): Promise<boolean> {
  const { count } = await db.task.updateMany({
    where: { id: taskId, status: { in: ["queued", "running"] } },
    data: { status, error, finishedAt: new Date() },
  });
  if (count > 0) await publishTask(db, events, taskId);
  return count > 0;
}

/** Writes a message under its id (an opencode message id, or our own): a re-delivery updates it, never duplicates it. */
export async function saveMessage(
  db: Db,
  message: { id: string; chatId: string; taskId: string | null; role: MessageRole; parts: StoredPart[]; createdAt?: Date },
): Promise<void> {
  const parts = JSON.stringify(message.parts);
  await db.message.upsert({
    where: { id: message.id },
    create: { id: message.id, chatId: message.chatId, taskId: message.taskId, role: message.role, parts, createdAt: message.createdAt },
    update: { parts },
  });
}

/** The failure of a task, as a message in its chat: the tab shows it and it stays in the history. */
export async function saveErrorMessage(db: Db, events: ChatEvents, task: { id: string; chatId: string }, text: string) {
  const message: StoredMessage = {
    id: `err_${task.id}`,
    chatId: task.chatId,
    taskId: task.id,
    role: "assistant",
    parts: [{ id: `err_${task.id}`, type: "error", text }],
    createdAt: new Date().toISOString(),
  };
  try {
    await saveMessage(db, { ...message, createdAt: new Date(message.createdAt) });
  } catch {
    // the chat is gone (tab closed): nobody to show it to
    return;
  }
  events.publish(task.chatId, { type: "message", message });
}

/** Ends a task as failed with a message the user can read, in the task and in the chat. */
export async function failTask(db: Db, events: ChatEvents, taskId: string, error: string): Promise<void> {
  const changed = await finishTask(db, events, taskId, "failed", error);
  if (!changed) return;
  const task = await db.task.findUnique({ where: { id: taskId }, select: { id: true, chatId: true } });
  if (task?.chatId) await saveErrorMessage(db, events, { id: task.id, chatId: task.chatId }, error);
}

/** Ends a task the way a run ended: a failure also shows as a message in its chat. */
export async function endTask(db: Db, events: ChatEvents, taskId: string, end: { status: "succeeded" | "failed" | "cancelled"; error: string | null }): Promise<void> {
  if (end.status === "failed") await failTask(db, events, taskId, end.error ?? "The task failed");
  else await finishTask(db, events, taskId, end.status, end.error);
}
