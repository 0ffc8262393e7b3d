import { runGit, type RepoGuard, type GitContext } from "./run";

/** `git worktree add <path> <branch>`: check out an existing branch in a new worktree. */
export async function addWorktreeForBranch(ctx: GitContext, repoDir: string, worktreePath: string, branch: string, guard: RepoGuard): Promise<void> {
  await runGit(ctx, repoDir, ["worktree", "add", "--end-of-options", worktreePath, branch], { guard });
}

/**
 * `git worktree add -b <branch> <path> <base>`: a new branch from `base` (a commit id), without an
 * upstream so that a plain `git push` never targets the base branch.
 */
export async function addWorktreeWithNewBranch(
  ctx: GitContext,
  repoDir: string,
  worktreePath: string,
  branch: string,
  base: string,
  guard: RepoGuard,
): Promise<void> {
  await runGit(ctx, repoDir, ["worktree", "add", "--no-track", "-b", branch, "--end-of-options", worktreePath, base], { guard });
}
