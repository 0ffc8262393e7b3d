import type { Db } from "../../db";
import { notFound } from "../../errors";
import { liveWorktreesWhere, ownWorktree } from "../worktree/session-worktrees";

/**
 * One session with its own `worktree: { path, branch, head } | null` (head is the commit it was
 * created at) and `arenaWorktrees`, the live worktrees of its arena entries.
 */
export async function getSession(db: Db, id: string) {
  const session = await db.session.findUnique({ where: { id }, include: { worktrees: { where: liveWorktreesWhere, orderBy: { createdAt: "asc" } } } });
  if (!session) throw notFound("Session", id);
  const { worktrees, ...rest } = session;
  const worktree = ownWorktree(worktrees);
  const view = (w: (typeof worktrees)[number]) => ({ id: w.id, path: w.path, branch: w.branch, head: w.baseRef, repoPath: w.repoPath });
  return {
    ...rest,
    worktree: worktree ? view(worktree) : null,
    arenaWorktrees: worktrees.filter((w) => w.purpose === "arena").map(view),
  };
}
