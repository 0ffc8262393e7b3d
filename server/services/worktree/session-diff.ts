import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { DiffScope, WorktreeDiff } from "../../schemas/diff";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { liveWorktree } from "./session-worktrees";

export type SessionDiff = WorktreeDiff & {
  /** When this snapshot was read: the Changes view shows it, so a stale view never passes for current. */
  takenAt: string;
  worktreePath: string;
  branch: string | null;
};

/**
 * The session's changes, read by the sidecar: against the base (the merge-base with the default
 * branch: committed, staged, unstaged and untracked alike), only what is uncommitted, or one
 * commit of the branch.
 */
export async function sessionDiff(
  deps: { db: Db; sidecar: SidecarClient },
  input: { sessionId: string; scope?: DiffScope; commit?: string; paths?: string[] },
): Promise<SessionDiff> {
  const session = await deps.db.session.findUnique({ where: { id: input.sessionId }, include: { worktree: true } });
  if (!session) throw notFound("Session", input.sessionId);
  const worktree = liveWorktree(session.worktree);
  if (!worktree) throw new AppError("BAD_REQUEST", `sessionId: session "${session.title}" has no worktree, so it has no changes to show`);
  try {
    const diff = await deps.sidecar.diff({
      path: worktree.path,
      scope: input.scope ?? "base",
      ...(input.commit ? { commit: input.commit } : {}),
      ...(input.paths ? { paths: input.paths } : {}),
    });
    return { ...diff, takenAt: new Date().toISOString(), worktreePath: worktree.path, branch: worktree.branch };
  } catch (error) {
    throw sidecarFailure("The changes could not be read", error);
  }
}
