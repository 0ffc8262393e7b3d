import { rm } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitContext, type RepoGuard } from "./run";
import { makeScratchDir } from "./scratch-dirs";

/**
 * True when merging `head` into `base` changes nothing: the result is `base`'s own tree, so every
 * change of `head` is already there (a squash merge). New objects go to a scratch object directory
 * in the sidecar's temp folder, so that a read-only check leaves the repository as it was.
 * Histories that share no commit are merged too (with no base, the question is the same: would
 * anything of `head` be added?).
 */
export async function mergeAddsNothing(
  ctx: GitContext,
  dir: string,
  commonDir: string,
  base: string,
  head: string,
  guard: RepoGuard,
): Promise<boolean> {
  const scratch = await makeScratchDir(ctx.tempDir, "merge-tree");
  try {
    const env = { GIT_OBJECT_DIRECTORY: scratch, GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(commonDir, "objects") };
    const [merged, baseTree] = await Promise.all([
      // Exit 1: conflicts (a neutralised merge driver makes one too), so certainly not already merged.
      runGit(ctx, dir, ["merge-tree", "--write-tree", "--no-messages", "--allow-unrelated-histories", base, head], { env, guard, okExitCodes: [1] }),
      runGit(ctx, dir, ["rev-parse", "--verify", "--end-of-options", `${base}^{tree}`], { env, guard }),
    ]);
    if (merged.exitCode !== 0) return false;
    const mergedTree = merged.stdout.split("\n", 1)[0]?.trim();
    return mergedTree !== undefined && mergedTree !== "" && mergedTree === baseTree.stdout.trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
