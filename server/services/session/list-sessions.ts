import type { Db } from "../../db";

/** Every session, newest first, with its live worktree (if any) for the sidebar. */
export async function listSessions(db: Db) {
  const sessions = await db.session.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: { worktree: { select: { path: true, branch: true, removedAt: true } } },
  });
  return sessions.map(({ worktree, ...session }) => ({
    ...session,
    worktree: worktree && worktree.removedAt === null ? { path: worktree.path, branch: worktree.branch } : null,
  }));
}
