import type { Db } from "../../db";
import { asHostRouter } from "../../hosts/host-router";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { checkWorktrees } from "./risk-gate";
import { sessionWithWorktree } from "./session-worktree";

/**
 * The Finish panel's Refresh: fetches `origin` of the session's repository, so a pull request
 * merged on the server (squash and rebase merges too) counts as merged; answers the fresh report.
 * A worktree recorded without its repository (the legacy migration) gets it from the sidecar first.
 */
export async function fetchSessionOrigin(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, sessionId: string) {
  const { worktree } = await sessionWithWorktree(deps.db, sessionId, "refresh");
  try {
    let repoPath = worktree.repoPath;
    if (!repoPath) {
      ({ repoPath } = await deps.sidecar.repository({ path: worktree.path }));
      await deps.db.worktree.update({ where: { id: worktree.id }, data: { repoPath } });
    }
    // The repository on the worktree's own host (the same path may name another clone elsewhere).
    const router = asHostRouter(deps.sidecar);
    const fetched = await router.forHost(router.hostOf(worktree.host).name).fetch({ repoPath });
    const report = fetched.reports.find((r) => r.path === worktree.path) ?? (await checkWorktrees(deps.sidecar, [worktree], deps.riskTimeoutMs)).reports[0] ?? null;
    return { updated: fetched.updated, report };
  } catch (error) {
    throw sidecarFailure("origin was not fetched", error);
  }
}
