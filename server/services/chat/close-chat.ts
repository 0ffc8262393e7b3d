import type { Db } from "../../db";
import { notFound } from "../../errors";

/** What closing a tab needs from the agent side: end the agent contexts the tab holds. */
export type ChatContextEnder = { forgetChat(chatId: string): Promise<void> };

/**
 * Closes a tab: its agent contexts end (the agent forgets them, their `agent_sessions` rows go
 * by CASCADE) and its messages go; tasks stay as history with chat_id NULL.
 */
export async function closeChat(deps: { db: Db; agents?: ChatContextEnder }, id: string) {
  const chat = await deps.db.chat.findUnique({ where: { id }, select: { id: true } });
  if (!chat) throw notFound("Tab", id);
  await deps.agents?.forgetChat(id);
  const { count } = await deps.db.chat.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Tab", id);
  return { id, closed: true as const };
}
