import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import { notFound } from "../../errors";

/**
 * Closes a tab: its agent contexts end (running tasks stop, the agent forgets them, their
 * `agent_sessions` rows go) and its messages go; tasks stay as history with chat_id NULL.
 */
export async function closeChat(deps: { db: Db; agents?: Pick<AgentRuntime, "forgetChats"> }, id: string) {
  const chat = await deps.db.chat.findUnique({ where: { id }, select: { id: true } });
  if (!chat) throw notFound("Tab", id);
  await deps.agents?.forgetChats([id], { reason: "Stopped: its tab was closed" });
  const { count } = await deps.db.chat.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Tab", id);
  return { id, closed: true as const };
}
