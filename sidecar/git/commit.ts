import { runGit, type GitContext, type RepoGuard } from "./run";

/**
 * Commits every change of the worktree (`git add -A`, then `git commit --no-verify -m <message>`).
 * Hooks never run (hardened git points core.hooksPath at /dev/null; --no-verify says so twice).
 * Returns the new HEAD, or null when there was nothing to commit.
 */
export async function commitAll(
  ctx: GitContext,
  dir: string,
  message: string,
  guard: RepoGuard,
  identity: Record<string, string>,
): Promise<string | null> {
  await runGit(ctx, dir, ["add", "--all"], { guard });
  // --quiet produces no diff, and the switches keep it so should a repository name an external diff.
  const staged = await runGit(ctx, dir, ["diff", "--cached", "--quiet", "--no-ext-diff", "--no-textconv"], { guard, okExitCodes: [1] });
  if (staged.exitCode === 0) return null;
  await runGit(ctx, dir, ["commit", "--no-verify", "--no-gpg-sign", "-m", message], { guard, env: identity });
  const head = await runGit(ctx, dir, ["rev-parse", "--verify", "HEAD"]);
  return head.stdout.trim();
}
