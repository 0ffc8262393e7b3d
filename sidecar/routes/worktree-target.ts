import { stat } from "node:fs/promises";
import { HttpError } from "../errors";
import { UnverifiableConfigError } from "../git/config-drivers";
import { committerFallback } from "../git/identity";
import { readRepoGuard } from "../git/repo-guard";
import type { GitContext, RepoGuard } from "../git/run";
import { readWorktreeDirs, type WorktreeDirs } from "../git/worktree-dirs";
import { checkWorktree } from "../risk/check-worktree";
import type { ResolvedPath } from "../risk/paths";

/**
 * The git dirs of a path that must be the top of an existing worktree: a 409 otherwise before anything
 * writes to it, a 404 (`status`) for routes that only read.
 */
export async function requireListedWorktree(git: GitContext, target: ResolvedPath, status: 404 | 409 = 409): Promise<WorktreeDirs> {
  if (!target.exists) throw new HttpError(status, "not-a-worktree", `the worktree directory ${target.input} does not exist`);
  const dirs = await readWorktreeDirs(git, target.real);
  if (dirs === null || dirs.toplevel !== target.real) {
    throw new HttpError(status, "not-a-worktree", `${target.input} is not the top of a git worktree`);
  }
  return dirs;
}

/**
 * The same check again, once the request holds the repository's lock: a remove queued ahead of it on
 * that lock may have taken the worktree while it waited, and git started in a folder that is gone
 * fails as if git itself were missing (spawn ENOENT), which answered 500 (found by the concurrency
 * drill, issue 19). Now the answer a serial order gives: 409 not-a-worktree.
 */
export async function requireStillListed(git: GitContext, target: ResolvedPath): Promise<WorktreeDirs> {
  return requireListedWorktree(git, { ...target, exists: await isFolder(target.real) });
}

/**
 * For a read that holds no lock (the diff): when it failed because a remove took the worktree while it
 * ran, the answer a serial order gives, 409 not-a-worktree, instead of the failure it met (a git error,
 * a copy of an index that was gone).
 */
export async function refuseIfRemovedMeanwhile(target: ResolvedPath, meanwhile: string): Promise<void> {
  if (!(await isFolder(target.real))) throw new HttpError(409, "not-a-worktree", `the worktree ${target.input} was removed while ${meanwhile}`);
}

function isFolder(dir: string): Promise<boolean> {
  return stat(dir).then(
    (found) => found.isDirectory(),
    () => false,
  );
}

/**
 * The guard for git calls in `dir`, or the refusal: a configuration the sidecar cannot switch off
 * with certainty is a 409 `unverified` that says why (with a fresh report when `target` is a worktree).
 */
export async function requireGuard(git: GitContext, dir: string, options: { submodules: boolean; target?: ResolvedPath }): Promise<RepoGuard> {
  try {
    return await readRepoGuard(git, dir, { submodules: options.submodules });
  } catch (error) {
    if (!(error instanceof UnverifiableConfigError)) throw error;
    const message = `the repository's configuration cannot be switched off with certainty, so git was not run on it: ${error.message}`;
    throw new HttpError(409, "unverified", message, options.target ? { report: await checkWorktree(git, options.target) } : undefined);
  }
}

/**
 * What a command that writes commits in a worktree (stash, commit) needs: the drivers to switch
 * off (its own and its submodules'), and a committer when the repository names none.
 */
export async function commitWriteSetup(git: GitContext, target: ResolvedPath) {
  const [guard, identity] = await Promise.all([requireGuard(git, target.real, { submodules: true, target }), committerFallback(git, target.real)]);
  return { guard, identity };
}
