import type { Db } from "../../db";
import { notFound } from "../../errors";

/**
 * The tabs of a session, in tab order, each with who started it when an agent did (new_task:
 * the task and its tab's title).
 */
export async function listChats(db: Db, sessionId: string) {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  const chats = await db.chat.findMany({
    where: { sessionId },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    include: {
      startedByTask: { select: { id: true, chat: { select: { id: true, title: true } } } },
    },
  });
  return chats.map(({ startedByTask, ...chat }) => ({
    ...chat,
    startedBy: startedByTask
      ? { taskId: startedByTask.id, chatId: startedByTask.chat?.id ?? null, chatTitle: startedByTask.chat?.title ?? null }
      : null,
  }));
}
