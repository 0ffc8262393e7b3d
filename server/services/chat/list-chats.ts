import type { Db } from "../../db";
import { notFound } from "../../errors";

/** The tabs of a session, in tab order. */
export async function listChats(db: Db, sessionId: string) {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  return db.chat.findMany({ where: { sessionId }, orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
}
