import { access } from "node:fs/promises";
import path from "node:path";
import type { RiskReport } from "../../server/schemas/risk-report";
import { HttpError } from "../errors";
import { fetchIntoShadow, ORIGIN_BRANCHES } from "../git/fetch";
import { chooseOrigin, NetworkFailure, RemoteRefusedError, type NetworkSettings, type OriginTarget } from "../git/network";
import { readOriginUrls } from "../git/origin-urls";
import { applyRefUpdates, readRefs, writePackedRefs, type RefUpdate } from "../git/remote-refs";
import { GitError, type GitContext } from "../git/run";
import { readObjectFormat, withShadowRepo } from "../git/shadow-repo";
import { checkWorktrees } from "../risk/check-batch";
import { mainFolder } from "./push-worktree";

export type FetchResult = { repoPath: string; updated: RefUpdate[]; reports: RiskReport[] };

/** Refs the shadow repository starts with, so that origin sends only what is new. */
const KNOWN = ["refs/heads/", "refs/tags/", ORIGIN_BRANCHES];

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** origin/* refs that moved or appeared; none is deleted (no pruning) and origin/HEAD is not among them. */
function changedRefs(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const [ref, to] of after) {
    if (!ref.startsWith(ORIGIN_BRANCHES) || ref === `${ORIGIN_BRANCHES}HEAD`) continue;
    const from = before.get(ref) ?? null;
    if (from !== to) updates.push({ ref, from, to });
  }
  return updates;
}

/**
 * Fetches origin into the repository (docs/SIDECAR.md, "Push and fetch") and checks its worktrees under
 * the root again. `repoDir` is the repository's main folder, `worktrees` its worktrees inside the root
 * (real paths). The caller holds the repository's lock.
 */
export async function fetchRepository(
  git: GitContext,
  network: NetworkSettings,
  repo: { repoDir: string; commonDir: string; worktrees: readonly string[] },
): Promise<FetchResult> {
  if (await exists(path.join(repo.commonDir, "shallow"))) {
    throw new HttpError(409, "shallow-repository", `${repo.repoDir} is a shallow clone: fetch it yourself (git fetch --unshallow origin); the sidecar does not change its depth`);
  }
  const [urls, format, before] = await Promise.all([readOriginUrls(git, repo.repoDir), readObjectFormat(git, repo.repoDir), readRefs(git, repo.repoDir, KNOWN)]);
  let origin: OriginTarget;
  try {
    origin = chooseOrigin(urls, "fetch", mainFolder(repo.commonDir));
  } catch (error) {
    if (error instanceof RemoteRefusedError) throw new HttpError(409, "remote-refused", `the fetch was not tried: ${error.message}`);
    throw error;
  }
  let updated: RefUpdate[];
  try {
    updated = await withShadowRepo(git, repo.commonDir, format, async (shadow) => {
      await writePackedRefs(shadow.dir, before);
      await fetchIntoShadow(git, network, shadow, origin);
      return changedRefs(before, await readRefs(git, shadow.dir, [ORIGIN_BRANCHES], shadow.env));
    });
  } catch (error) {
    if (error instanceof NetworkFailure) throw new HttpError(error.status, error.code, error.message);
    throw error;
  }
  try {
    await applyRefUpdates(git, repo.repoDir, updated, "fetch: origin");
  } catch (error) {
    // The objects are in; only the refs did not move (git changed one meanwhile): nothing half-done.
    if (error instanceof GitError) throw new HttpError(409, "refs-changed", `origin's branches changed in the repository during the fetch; fetch again (${error.message})`);
    throw error;
  }
  const reports = await checkWorktrees(git, repo.worktrees.map((real) => ({ input: real, real, exists: true })));
  return { repoPath: repo.repoDir, updated, reports };
}
