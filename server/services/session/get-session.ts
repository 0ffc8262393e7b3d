import type { Db } from "../../db";
import { notFound } from "../../errors";

/** One session with `worktree: { path, branch, head } | null` (head is the commit it was created at). */
export async function getSession(db: Db, id: string) {
  const session = await db.session.findUnique({ where: { id }, include: { worktree: true } });
  if (!session) throw notFound("Session", id);
  const { worktree, ...rest } = session;
  return {
    ...rest,
    worktree:
      worktree && worktree.removedAt === null
        ? { id: worktree.id, path: worktree.path, branch: worktree.branch, head: worktree.baseRef, repoPath: worktree.repoPath }
        : null,
  };
}
