import { runGit, type GitContext } from "./run";

/** The commit a user-supplied revision names, or null when it names none. */
export async function resolveCommit(ctx: GitContext, dir: string, revision: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["rev-parse", "-q", "--verify", "--end-of-options", `${revision}^{commit}`], {
    okExitCodes: [1, 128],
  });
  return exitCode === 0 ? stdout.trim() : null;
}

/** True when refs/heads/<name> exists. */
export async function branchExists(ctx: GitContext, dir: string, name: string): Promise<boolean> {
  const { exitCode } = await runGit(ctx, dir, ["rev-parse", "-q", "--verify", "--end-of-options", `refs/heads/${name}`], {
    okExitCodes: [1, 128],
  });
  return exitCode === 0;
}

/** True when git accepts `name` as a branch name. */
export async function isValidBranchName(ctx: GitContext, dir: string, name: string): Promise<boolean> {
  const { exitCode } = await runGit(ctx, dir, ["check-ref-format", "--branch", name], { okExitCodes: [1, 128] });
  return exitCode === 0;
}

/** The commit HEAD of `dir` is at, null on an unborn branch. */
export async function readHead(ctx: GitContext, dir: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["rev-parse", "-q", "--verify", "HEAD"], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : null;
}

/** The merge base of two commits, or null when their histories share no commit. */
export async function readMergeBase(ctx: GitContext, dir: string, a: string, b: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["merge-base", "--end-of-options", a, b], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : null;
}

/** The first parent of a commit, or null for a root commit. */
export async function readFirstParent(ctx: GitContext, dir: string, commit: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["rev-parse", "-q", "--verify", "--end-of-options", `${commit}^1`], { okExitCodes: [1, 128] });
  return exitCode === 0 ? stdout.trim() : null;
}

/** The empty tree's id in this repository's hash (git knows it without storing it): what a first commit is compared with. */
export async function readEmptyTree(ctx: GitContext, dir: string): Promise<string> {
  const { stdout } = await runGit(ctx, dir, ["hash-object", "-t", "tree", "--stdin"], { input: "" });
  return stdout.trim();
}
