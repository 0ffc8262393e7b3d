import { GitError, whyGitCouldNotStartIn, runGit, type GitContext } from "./run";

export type RepoDirs = { commonDir: string; bare: boolean; toplevel: string | null };

/** The repository a user's path belongs to (bare or not); null with git's reason when it is none. */
export async function readRepoDirs(ctx: GitContext, dir: string): Promise<{ repo: RepoDirs } | { notRepo: string }> {
  try {
    const { stdout } = await runGit(ctx, dir, ["rev-parse", "--path-format=absolute", "--git-common-dir", "--is-bare-repository"]);
    const [commonDir, bare] = stdout.split("\n");
    if (!commonDir) return { notRepo: "git gave no repository directory" };
    if (bare === "true") return { repo: { commonDir, bare: true, toplevel: null } };
    const top = await runGit(ctx, dir, ["rev-parse", "--path-format=absolute", "--show-toplevel"]);
    return { repo: { commonDir, bare: false, toplevel: top.stdout.trim() } };
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 128) return { notRepo: error.message };
    const why = await whyGitCouldNotStartIn(error, dir);
    if (why === "file") return { notRepo: "it is a file, not a folder" };
    if (why === "gone") return { notRepo: "the folder no longer exists" };
    throw error;
  }
}
