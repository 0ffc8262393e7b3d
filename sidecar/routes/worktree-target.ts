import { HttpError } from "../errors";
import { readDriverNames, withSubmoduleDrivers } from "../git/driver-names";
import { committerFallback } from "../git/identity";
import type { GitContext } from "../git/run";
import { readWorktreeDirs, type WorktreeDirs } from "../git/worktree-dirs";
import type { ResolvedPath } from "../risk/paths";

/** The git dirs of a path that must be the top of an existing worktree before anything writes to it; a 409 otherwise. */
export async function requireListedWorktree(git: GitContext, target: ResolvedPath): Promise<WorktreeDirs> {
  if (!target.exists) throw new HttpError(409, "not-a-worktree", `the worktree directory ${target.input} does not exist`);
  const dirs = await readWorktreeDirs(git, target.real);
  if (dirs === null || dirs.toplevel !== target.real) {
    throw new HttpError(409, "not-a-worktree", `${target.input} is not the top of a git worktree`);
  }
  return dirs;
}

/**
 * What a command that writes commits in a worktree (stash, commit) needs: the filter and merge
 * driver names to switch off (its own and its submodules'), and a committer when the repository names none.
 */
export async function commitWriteSetup(git: GitContext, target: ResolvedPath, dirs: WorktreeDirs) {
  const [drivers, identity] = await Promise.all([
    readDriverNames(git, target.real).then((own) => withSubmoduleDrivers(git, target.real, own, [dirs.gitDir, dirs.commonDir])),
    committerFallback(git, target.real),
  ]);
  return { drivers, identity };
}
