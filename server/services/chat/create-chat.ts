import type { Db } from "../../db";
import { notFound } from "../../errors";
import { nextTabPosition } from "../../lib/next-tab-position";

/** Opens a new tab at the end of the session's tab row; untitled tabs are numbered. */
export async function createChat(db: Db, input: { sessionId: string; title?: string }) {
  return db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: input.sessionId }, select: { id: true } });
    if (!session) throw notFound("Session", input.sessionId);
    const position = await nextTabPosition(tx, input.sessionId);
    return tx.chat.create({
      data: { sessionId: input.sessionId, title: input.title ?? `Tab ${position + 1}`, position },
    });
  });
}
