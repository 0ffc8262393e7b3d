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
