import path from "node:path";
import type { RiskReport } from "../../server/schemas/risk-report";
import { HttpError } from "../errors";
import { readHeadBranchRef } from "../git/default-branch";
import { chooseOrigin, NetworkFailure, RemoteRefusedError, type NetworkSettings, type OriginTarget } from "../git/network";
import { readOriginUrls } from "../git/origin-urls";
import { pushCommit } from "../git/push";
import { readHead } from "../git/refs";
import { applyRefUpdates, readRefs, setUpstream } from "../git/remote-refs";
import type { GitContext } from "../git/run";
import { readObjectFormat, withShadowRepo } from "../git/shadow-repo";
import type { WorktreeDirs } from "../git/worktree-dirs";
import { checkWorktree } from "../risk/check-worktree";
import type { ResolvedPath } from "../risk/paths";

export type PushResult = { branch: string; commit: string; remoteRef: string; upstream: string; upToDate: boolean; report: RiskReport };

/** The folder a relative local origin URL is read against: the repository's main folder (the bare repository itself). */
export function mainFolder(commonDir: string): string {
  return path.basename(commonDir) === ".git" ? path.dirname(commonDir) : commonDir;
}

/**
 * Pushes the worktree's branch to origin as refs/heads/<branch> and makes origin/<branch> its upstream
 * (docs/SIDECAR.md, "Push and fetch"). Local refs and config change only after origin took the push.
 * The caller holds the repository's lock.
 */
export async function pushWorktree(git: GitContext, network: NetworkSettings, target: ResolvedPath, dirs: WorktreeDirs): Promise<PushResult> {
  const dir = target.real;
  const [branchRef, head, urls, format] = await Promise.all([readHeadBranchRef(git, dir), readHead(git, dir), readOriginUrls(git, dir), readObjectFormat(git, dir)]);
  const withReport = async () => ({ report: await checkWorktree(git, target) });
  if (branchRef === null) throw new HttpError(409, "detached", `HEAD of ${target.input} is detached: there is no branch to push`, await withReport());
  const branch = branchRef.slice("refs/heads/".length);
  if (head === null) throw new HttpError(409, "nothing-to-push", `the branch ${branch} has no commit yet`, await withReport());
  let origin: OriginTarget;
  try {
    origin = chooseOrigin(urls, "push", mainFolder(dirs.commonDir));
  } catch (error) {
    if (error instanceof RemoteRefusedError) throw new HttpError(409, "remote-refused", `the push was not tried: ${error.message}`, await withReport());
    throw error;
  }
  let upToDate: boolean;
  try {
    ({ upToDate } = await withShadowRepo(git, dirs.commonDir, format, (shadow) => pushCommit(git, network, shadow, origin, head, branch)));
  } catch (error) {
    if (error instanceof NetworkFailure) throw new HttpError(error.status, error.code, error.message, await withReport());
    throw error;
  }
  // What `git push -u` records: the remote-tracking ref and the upstream.
  const trackingRef = `refs/remotes/origin/${branch}`;
  const before = (await readRefs(git, dir, [trackingRef])).get(trackingRef) ?? null;
  if (before !== head) await applyRefUpdates(git, dir, [{ ref: trackingRef, from: before, to: head }], `push: ${branch} to origin`);
  await setUpstream(git, dir, branch);
  return { branch, commit: head, remoteRef: `refs/heads/${branch}`, upstream: `origin/${branch}`, upToDate, ...(await withReport()) };
}
