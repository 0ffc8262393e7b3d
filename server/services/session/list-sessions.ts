import type { Db } from "../../db";
import { liveWorktree } from "../worktree/session-worktrees";

/**
 * Every session, newest first, with its live worktree (if any) for the sidebar. An arena entry
 * session names the session that started its arena (`arenaOriginId`), so the sidebar can show it
 * under that session.
 */
export async function listSessions(db: Db) {
  const sessions = await db.session.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: {
      worktree: { select: { path: true, branch: true, removedAt: true } },
      arena: { select: { sessionId: true } },
    },
  });
  return sessions.map(({ worktree: row, arena, ...session }) => {
    const worktree = liveWorktree(row);
    return { ...session, worktree: worktree ? { path: worktree.path, branch: worktree.branch } : null, arenaOriginId: arena?.sessionId ?? null };
  });
}
