import { copyFile, mkdir, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitContext, type RepoGuard } from "./run";
import { makeScratchDir } from "./scratch-dirs";

/** The variables that make later git calls read the snapshot: its index and its scratch objects. */
export type SnapshotEnv = Record<string, string>;

/**
 * Copies the worktree's index, keeping its modification time: git trusts a file's cached stat data
 * only when the file is older than the index, so a copy that looked newer would hide an edit made
 * in the same instant as the last index write (git's "racy clean" case). A millisecond earlier is
 * on the safe side: at worst git reads a few more files.
 */
async function copyIndex(from: string, to: string): Promise<boolean> {
  const original = await stat(from).catch(() => null);
  if (original === null) return false;
  await copyFile(from, to);
  const mtime = (original.mtimeMs - 1) / 1000;
  await utimes(to, mtime, mtime);
  return true;
}

/**
 * Runs `fn` with the worktree as a commit would take it: tracked edits (staged or not) and untracked
 * files that no ignore rule hides, in a throwaway index. The worktree's index is copied to the
 * sidecar's temp folder and `git add --all` runs on the copy, writing its new objects into a scratch
 * object folder (the repository's objects stay readable as an alternate). Neither the worktree's
 * index nor its repository is written; both temp folders go when `fn` is done.
 */
export async function withWorktreeSnapshot<T>(
  ctx: GitContext,
  dir: string,
  dirs: { gitDir: string; commonDir: string },
  guard: RepoGuard,
  fn: (env: SnapshotEnv) => Promise<T>,
): Promise<T> {
  const scratch = await makeScratchDir(ctx.tempDir, "snapshot");
  try {
    const index = path.join(scratch, "index");
    const objects = path.join(scratch, "objects");
    await Promise.all([copyIndex(path.join(dirs.gitDir, "index"), index), mkdir(objects)]);
    const env: SnapshotEnv = {
      GIT_INDEX_FILE: index,
      GIT_OBJECT_DIRECTORY: objects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(dirs.commonDir, "objects"),
    };
    // A split index would make git write its shared part into the repository: the copy is written whole.
    const config = [
      ["core.splitIndex", "false"],
      ["advice.addEmbeddedRepo", "false"],
    ] as const;
    await runGit(ctx, dir, ["add", "--all"], { guard, env, config });
    return await fn(env);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
