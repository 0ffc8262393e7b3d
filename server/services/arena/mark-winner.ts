import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SidecarClient } from "../../sidecar-client";
import { getArena, type ArenaView } from "./arena-views";

/** Records the user's pick among an arena's entries, by the entry's tab (picking again changes it). */
export async function markArenaWinner(deps: { db: Db; sidecar: SidecarClient }, input: { arenaId: string; chatId: string }): Promise<ArenaView> {
  const { db } = deps;
  const arena = await db.arena.findUnique({ where: { id: input.arenaId }, select: { id: true } });
  if (!arena) throw notFound("Arena", input.arenaId);
  const entry = await db.chat.findUnique({ where: { id: input.chatId }, select: { session: { select: { arenaId: true } } } });
  if (!entry) throw notFound("Tab", input.chatId);
  if (entry.session?.arenaId !== input.arenaId) {
    throw new AppError("BAD_REQUEST", `chatId: tab ${input.chatId} is not an entry of arena ${input.arenaId}`);
  }
  await db.arena.update({ where: { id: input.arenaId }, data: { winnerChatId: input.chatId } });
  return getArena(deps, input.arenaId);
}
