import type { Db } from "../../db";
import { notFound } from "../../errors";
import { outputsOf, toDetails, type TaskDetails } from "./task-details";

/** The tasks of a tab or of a session (every tab, closed ones' included), newest first. */
export async function listTasks(db: Db, filter: { chatId: string } | { sessionId: string }): Promise<TaskDetails[]> {
  if ("chatId" in filter) {
    const chat = await db.chat.findUnique({ where: { id: filter.chatId }, select: { id: true } });
    if (!chat) throw notFound("Tab", filter.chatId);
  } else {
    const session = await db.session.findUnique({ where: { id: filter.sessionId }, select: { id: true } });
    if (!session) throw notFound("Session", filter.sessionId);
  }
  const tasks = await db.task.findMany({ where: filter, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 });
  const outputs = await outputsOf(db, tasks.map((t) => t.id));
  return tasks.map((task) => toDetails(task, outputs.get(task.id) ?? null));
}
