import type { Db } from "../../db";
import { liveWorktreesWhere, ownWorktree } from "../worktree/session-worktrees";

/** Every session, newest first, with its live worktree (if any) for the sidebar. */
export async function listSessions(db: Db) {
  const sessions = await db.session.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: { worktrees: { where: liveWorktreesWhere, select: { path: true, branch: true, removedAt: true, purpose: true } } },
  });
  return sessions.map(({ worktrees, ...session }) => {
    const worktree = ownWorktree(worktrees);
    return { ...session, worktree: worktree ? { path: worktree.path, branch: worktree.branch } : null };
  });
}
