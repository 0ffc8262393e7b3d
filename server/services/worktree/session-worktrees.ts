import type { Worktree } from "@prisma/client";

/**
 * A session owns at most one worktree (UNIQUE(worktrees.session_id)). Its row stays after the
 * directory is removed (removed_at set), so "live" filters that out.
 */
export function liveWorktree<T extends Pick<Worktree, "removedAt">>(worktree: T | null | undefined): T | null {
  return worktree && worktree.removedAt === null ? worktree : null;
}
