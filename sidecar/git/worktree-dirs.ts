import { GitError, runGit, type GitContext } from "./run";

export type WorktreeDirs = { toplevel: string; gitDir: string; commonDir: string };

/** Where git thinks this worktree's top, its own git dir and the shared git dir are; null when `dir` is in no repository. */
export async function readWorktreeDirs(ctx: GitContext, dir: string): Promise<WorktreeDirs | null> {
  try {
    const { stdout } = await runGit(ctx, dir, ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir"]);
    const [toplevel, gitDir, commonDir] = stdout.split("\n");
    if (!toplevel || !gitDir || !commonDir) return null;
    return { toplevel, gitDir, commonDir };
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 128) return null;
    throw error;
  }
}
