import { runGit, type GitContext } from "./run";

export type CommitList = { count: number; commits: { sha: string; subject: string }[] };

/** How many the report counts at most; the dialog shows the first few. */
export const MAX_COUNTED_COMMITS = 1000;
const SHOWN_COMMITS = 20;

/**
 * Commits reachable from `head` but from none of `exclude` (e.g. ["--remotes"] or a ref name), with
 * their subjects. `head` is an object id and `exclude` are refs or ref globs the sidecar chose.
 */
export async function listCommitsNotIn(ctx: GitContext, dir: string, head: string, exclude: readonly string[]): Promise<CommitList> {
  const { stdout } = await runGit(ctx, dir, [
    "rev-list",
    `--max-count=${MAX_COUNTED_COMMITS}`,
    "--no-commit-header",
    "--format=%H %s",
    head,
    "--not",
    ...exclude,
  ]);
  const lines = stdout.split("\n").filter((line) => line !== "");
  return { count: lines.length, commits: lines.slice(0, SHOWN_COMMITS).map(toCommit) };
}

/**
 * Commits on HEAD that the default branch (origin/HEAD) does not hold; null when either does not
 * resolve (an unborn HEAD, no origin/HEAD). Needs no earlier answer, so it runs in the first round.
 */
export async function listCommitsNotInDefault(ctx: GitContext, dir: string): Promise<CommitList | null> {
  const { stdout, exitCode } = await runGit(
    ctx,
    dir,
    ["rev-list", `--max-count=${MAX_COUNTED_COMMITS}`, "--no-commit-header", "--format=%H %s", "HEAD", "--not", "refs/remotes/origin/HEAD"],
    { okExitCodes: [128] },
  );
  if (exitCode !== 0) return null;
  const lines = stdout.split("\n").filter((line) => line !== "");
  return { count: lines.length, commits: lines.slice(0, SHOWN_COMMITS).map(toCommit) };
}

export function toCommit(line: string): { sha: string; subject: string } {
  const space = line.indexOf(" ");
  return space === -1 ? { sha: line, subject: "" } : { sha: line.slice(0, space), subject: line.slice(space + 1) };
}

/**
 * `git cherry -v <upstream> <head>`: the commits of `head` whose patch is not already in `upstream`
 * (a cherry-picked commit has the same patch id and is left out).
 */
export async function listCommitsWithNewPatches(ctx: GitContext, dir: string, upstream: string, head: string): Promise<CommitList> {
  const { stdout } = await runGit(ctx, dir, ["cherry", "-v", upstream, head]);
  const lines = stdout
    .split("\n")
    .filter((line) => line.startsWith("+ "))
    .map((line) => line.slice(2));
  return { count: lines.length, commits: lines.slice(0, SHOWN_COMMITS).map(toCommit) };
}

/** The first `cap` commits of `head` that none of `exclude` holds, newest first, with their subjects. */
export async function listFirstCommitsNotIn(ctx: GitContext, dir: string, head: string, exclude: readonly string[], cap: number): Promise<CommitList["commits"]> {
  const { stdout } = await runGit(ctx, dir, ["rev-list", `--max-count=${cap}`, "--no-commit-header", "--format=%H %s", head, "--not", ...exclude]);
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map(toCommit);
}

/**
 * Of `heads`, those with no commit outside `base` (each is an ancestor of it), in one `rev-list` of
 * them all: a head with commits of its own is itself among the commits listed. Null when the list
 * reached `cap` (then nothing can be told from it).
 */
export async function headsContainedIn(ctx: GitContext, dir: string, heads: readonly string[], base: string, cap: number): Promise<Set<string> | null> {
  if (heads.length === 0) return new Set();
  const { stdout } = await runGit(ctx, dir, ["rev-list", `--max-count=${cap}`, ...heads, "--not", base]);
  const outside = new Set(stdout.split("\n").filter((line) => line !== ""));
  if (outside.size >= cap) return null;
  return new Set(heads.filter((head) => !outside.has(head)));
}
