import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runGit, type DriverNames, type GitContext } from "./run";

/**
 * True when merging `head` into `base` changes nothing: the result is `base`'s own tree, so every
 * change of `head` is already there (a squash merge). New objects go to a scratch object directory
 * so that a read-only check leaves the repository as it was.
 */
export async function mergeAddsNothing(
  ctx: GitContext,
  dir: string,
  commonDir: string,
  base: string,
  head: string,
  drivers: DriverNames,
): Promise<boolean> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "boochat-merge-tree-"));
  try {
    const env = { GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(commonDir, "objects") };
    const [merged, baseTree] = await Promise.all([
      // Exit 1: conflicts, so certainly not already merged.
      runGit(ctx, dir, ["merge-tree", "--write-tree", "--no-messages", base, head], { env, drivers, okExitCodes: [1] }),
      runGit(ctx, dir, ["rev-parse", "--verify", "--end-of-options", `${base}^{tree}`], { env, drivers }),
    ]);
    if (merged.exitCode !== 0) return false;
    const mergedTree = merged.stdout.split("\n", 1)[0]?.trim();
    return mergedTree !== undefined && mergedTree !== "" && mergedTree === baseTree.stdout.trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
