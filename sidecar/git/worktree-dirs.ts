import { GitError, whyGitCouldNotStartIn, runGit, type GitContext } from "./run";

export type WorktreeDirs = {
  toplevel: string;
  gitDir: string;
  commonDir: string;
  /** the target of refs/remotes/origin/HEAD (e.g. refs/remotes/origin/main), null when it is not set */
  defaultBranchRef: string | null;
};

const ORIGIN_HEAD = "refs/remotes/origin/HEAD";

/**
 * Where git thinks this worktree's top, its own git dir and the shared git dir are, and where
 * origin/HEAD points, in one call (`--revs-only` drops origin/HEAD silently when it does not
 * resolve); null when `dir` is in no repository.
 */
export async function readWorktreeDirs(ctx: GitContext, dir: string): Promise<WorktreeDirs | null> {
  try {
    const { stdout } = await runGit(ctx, dir, [
      "rev-parse",
      "--path-format=absolute",
      "--show-toplevel",
      "--git-dir",
      "--git-common-dir",
      "--revs-only",
      "--symbolic-full-name",
      ORIGIN_HEAD,
    ]);
    const [toplevel, gitDir, commonDir, target] = stdout.split("\n");
    if (!toplevel || !gitDir || !commonDir) return null;
    // A plain (non-symbolic) origin/HEAD names itself: that is no default branch either.
    const defaultBranchRef = target && target.startsWith("refs/") && target !== ORIGIN_HEAD ? target : null;
    return { toplevel, gitDir, commonDir, defaultBranchRef };
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 128) return null;
    // git could not even start there: a path that is a file (a worktree's `.git` file, a README), or
    // a folder a remove took meanwhile, is in no repository.
    if ((await whyGitCouldNotStartIn(error, dir)) !== null) return null;
    throw error;
  }
}
