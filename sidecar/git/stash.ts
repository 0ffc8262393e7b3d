import { readFile } from "node:fs/promises";
import path from "node:path";
import { runGit, type RepoGuard, type GitContext } from "./run";

/** The commit refs/stash points at, or null when there is no stash. */
export async function readStashRef(ctx: GitContext, dir: string): Promise<string | null> {
  const { stdout, exitCode } = await runGit(ctx, dir, ["rev-parse", "-q", "--verify", "refs/stash"], { okExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : null;
}

/**
 * `git stash push -u -m <message>`. Git exits 0 when there was nothing to save, so the caller compares
 * refs/stash before and after. `identity` fills in a committer when the repository names none.
 */
export async function stashPush(
  ctx: GitContext,
  dir: string,
  message: string,
  guard: RepoGuard,
  identity: Record<string, string>,
): Promise<void> {
  await runGit(ctx, dir, ["stash", "push", "--include-untracked", "-m", message], { guard, env: identity });
}

/**
 * Stash entries made from `branch`, read from the stash reflog (shared by every worktree): their
 * subjects are "On <branch>: ..." or "WIP on <branch>: ...".
 */
export async function countStashesOfBranch(commonDir: string, branch: string | null): Promise<number> {
  if (branch === null) return 0;
  let text: string;
  try {
    text = await readFile(path.join(commonDir, "logs", "refs", "stash"), "utf8");
  } catch {
    return 0;
  }
  let count = 0;
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab === -1) continue;
    const subject = line.slice(tab + 1);
    if (subject.startsWith(`On ${branch}: `) || subject.startsWith(`WIP on ${branch}: `)) count += 1;
  }
  return count;
}
