import { HttpError } from "../errors";
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
