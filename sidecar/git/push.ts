import { GitError, runGit, type GitContext } from "./run";
import { LOCAL_RECEIVE_PACK, NetworkFailure, networkConfig, networkEnv, type NetworkSettings, type OriginTarget } from "./network";
import type { ShadowRepo } from "./shadow-repo";

/**
 * `git push <url> <commit>:refs/heads/<branch>` from the shadow repository: one branch, never forced
 * (no `+`, no --force*, so origin takes it only as a fast-forward), hooks off, nothing recursed.
 * Returns whether origin already had it; throws NetworkFailure when git or origin refused.
 */
export async function pushCommit(
  ctx: GitContext,
  settings: NetworkSettings,
  shadow: ShadowRepo,
  target: OriginTarget,
  commit: string,
  branch: string,
): Promise<{ upToDate: boolean }> {
  const args = ["push", "--porcelain", "--no-verify", "--recurse-submodules=no"];
  if (target.transport === "file") args.push(`--receive-pack=${LOCAL_RECEIVE_PACK}`);
  args.push("--end-of-options", target.url, `${commit}:refs/heads/${branch}`);
  const what = `the push of ${branch} to origin`;
  try {
    const result = await runGit(ctx, shadow.dir, args, {
      env: { ...networkEnv(settings), ...shadow.env },
      config: networkConfig(target, settings),
      timeoutMs: settings.timeoutMs,
      okExitCodes: [1],
    });
    if (result.exitCode !== 0) throw new NetworkFailure(what, `${result.stdout}\n${result.stderr}`);
    // Porcelain: "<flag>\t<from>:<to>\t<summary>"; "=" is "already up to date".
    return { upToDate: result.stdout.split("\n").some((line) => line.startsWith("=\t")) };
  } catch (error) {
    if (error instanceof GitError) throw new NetworkFailure(what, error.timedOut ? "timed out" : error.stderr);
    throw error;
  }
}
