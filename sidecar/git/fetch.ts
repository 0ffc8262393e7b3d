import { GitError, runGit, type GitContext } from "./run";
import { LOCAL_UPLOAD_PACK, NetworkFailure, networkConfig, networkEnv, type NetworkSettings, type OriginTarget } from "./network";
import type { ShadowRepo } from "./shadow-repo";

/** Where origin's branches land, as in a clone's default fetch refspec; origin/HEAD is never touched. */
export const ORIGIN_BRANCHES = "refs/remotes/origin/";

/**
 * `git fetch <url> +refs/heads/*:refs/remotes/origin/*` into the shadow repository (whose refs the
 * caller copied from the real one): no tags, no pruning, no FETCH_HEAD, no submodules. The objects
 * land in the real repository; the refs are the caller's to copy back. Throws NetworkFailure.
 */
export async function fetchIntoShadow(ctx: GitContext, settings: NetworkSettings, shadow: ShadowRepo, target: OriginTarget): Promise<void> {
  const args = ["fetch", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules"];
  if (target.transport === "file") args.push(`--upload-pack=${LOCAL_UPLOAD_PACK}`);
  // Remote-tracking refs follow origin even when a branch there was rewritten: that is what the `+` is for.
  args.push("--end-of-options", target.url, `+refs/heads/*:${ORIGIN_BRANCHES}*`);
  try {
    await runGit(ctx, shadow.dir, args, { env: { ...networkEnv(settings), ...shadow.env }, config: networkConfig(target, settings), timeoutMs: settings.timeoutMs });
  } catch (error) {
    if (error instanceof GitError) throw new NetworkFailure("the fetch from origin", error.timedOut ? "timed out" : error.stderr);
    throw error;
  }
}
