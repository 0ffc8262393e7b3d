import { runGit, type RepoGuard, type GitContext } from "./run";

/**
 * `git worktree remove -- <path>`, never forced: git itself refuses a dirty or locked worktree. The
 * branch is kept. Run from the shared git dir, not from inside the directory being removed.
 */
export async function removeWorktree(ctx: GitContext, commonDir: string, worktreePath: string, guard: RepoGuard): Promise<void> {
  await runGit(ctx, commonDir, ["worktree", "remove", "--", worktreePath], { guard });
}
