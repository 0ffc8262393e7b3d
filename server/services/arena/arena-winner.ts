import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import { liveWorktree } from "../worktree/session-worktrees";

/**
 * An arena with its origin session's worktree, its winner's session and the other entries': what
 * merging the winner and cleaning up need. No winner yet is BAD_REQUEST: pick one first.
 */
export async function arenaWithWinner(db: Db, arenaId: string) {
  const arena = await db.arena.findUnique({
    where: { id: arenaId },
    include: {
      session: { include: { worktree: true } },
      winnerChat: { select: { sessionId: true } },
      entries: { include: { worktree: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!arena) throw notFound("Arena", arenaId);
  const winnerSessionId = arena.winnerChat?.sessionId ?? null;
  const winner = arena.entries.find((entry) => entry.id === winnerSessionId);
  if (!winner) throw new AppError("BAD_REQUEST", `arenaId: arena ${arenaId} has no winner yet: mark one first`);
  return {
    arena,
    origin: { id: arena.session.id, title: arena.session.title, worktree: liveWorktree(arena.session.worktree) },
    winner: { id: winner.id, title: winner.title, worktree: liveWorktree(winner.worktree) },
    losers: arena.entries.filter((entry) => entry.id !== winner.id).map((entry) => ({ id: entry.id, title: entry.title })),
  };
}
