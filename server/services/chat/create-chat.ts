import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import { nextTabPosition } from "../../lib/next-tab-position";

/**
 * Opens a new tab at the end of the session's tab row; untitled tabs are numbered. Its agent
 * context is made ready in the background, while the user types the first message.
 */
export async function createChat(deps: { db: Db; agents?: Pick<AgentRuntime, "prepareChat"> }, input: { sessionId: string; title?: string }) {
  const chat = await deps.db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: input.sessionId }, select: { id: true } });
    if (!session) throw notFound("Session", input.sessionId);
    const position = await nextTabPosition(tx, input.sessionId);
    return tx.chat.create({
      data: { sessionId: input.sessionId, title: input.title ?? `Tab ${position + 1}`, position },
    });
  });
  void deps.agents?.prepareChat(chat.id);
  return chat;
}
