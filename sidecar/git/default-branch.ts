import { runGit, type GitContext } from "./run";

/** The target of refs/remotes/origin/HEAD (e.g. refs/remotes/origin/main), or null when it is not set: never guessed. */
export async function readDefaultBranchRef(ctx: GitContext, dir: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["symbolic-ref", "-q", "refs/remotes/origin/HEAD"], { okExitCodes: [1] });
  const ref = stdout.trim();
  return exitCode === 0 && ref.startsWith("refs/") ? ref : null;
}

/** The branch HEAD points at in `dir` (refs/heads/x), or null when detached. */
export async function readHeadBranchRef(ctx: GitContext, dir: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["symbolic-ref", "-q", "HEAD"], { okExitCodes: [1] });
  const ref = stdout.trim();
  return exitCode === 0 && ref.startsWith("refs/heads/") ? ref : null;
}

/**
 * The default branch as the risk check reads it (worktree-dirs.ts): origin/HEAD's target only when it
 * resolves (`--revs-only` drops a dangling one), so creation and the delete gate never disagree.
 */
export async function readResolvedDefaultBranchRef(ctx: GitContext, dir: string): Promise<string | null> {
  const { stdout } = await runGit(ctx, dir, ["rev-parse", "--revs-only", "--symbolic-full-name", "refs/remotes/origin/HEAD"]);
  const ref = stdout.trim();
  return ref.startsWith("refs/") && ref !== "refs/remotes/origin/HEAD" ? ref : null;
}
