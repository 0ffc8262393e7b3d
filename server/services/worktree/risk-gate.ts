import { emptyRiskReport, type RiskReport } from "../../schemas/risk-report";
import { isHostRouter } from "../../hosts/host-router";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";

/** A report for a worktree the sidecar could not check: blocks a delete (fail-closed), never says clean. */
export function unverifiedReport(path: string, error: string, branch: string | null = null): RiskReport {
  return { ...emptyRiskReport(path), branch, fingerprint: "unverified", error };
}

/**
 * Asks each worktree's host about it (their branch as BooChat recorded it, for the words of a
 * failure) within a bounded time, the hosts in parallel. Fail-closed per host: a host that does not
 * answer makes its own worktrees unverified, naming it, while the others' are judged as usual.
 */
export async function checkWorktrees<W extends { path: string; branch: string | null }>(
  sidecar: SidecarClient,
  worktrees: W[],
  timeoutMs: number,
): Promise<{ reports: RiskReport[] }> {
  const groups = isHostRouter(sidecar) ? await sidecar.byHost(worktrees) : [{ client: sidecar, items: worktrees }];
  const answers = await Promise.all(groups.map((group) => checkOnOneHost(group.client, group.items, timeoutMs)));
  const byPath = new Map(answers.flat().map((report) => [report.path, report]));
  return { reports: worktrees.map((w) => byPath.get(w.path) ?? unverifiedReport(w.path, "The risk check did not report on this worktree.", w.branch)) };
}

async function checkOnOneHost(sidecar: SidecarClient, worktrees: { path: string; branch: string | null }[], timeoutMs: number): Promise<RiskReport[]> {
  try {
    return await sidecar.risk(worktrees.map((w) => w.path), { timeoutMs });
  } catch (error) {
    if (error instanceof SidecarUnavailableError) {
      const reason = `The risk check could not run: ${error.message}.`;
      return worktrees.map((w) => unverifiedReport(w.path, reason, w.branch));
    }
    if (error instanceof SidecarRequestError) {
      const reason = `The sidecar refused the risk check: ${error.message}.`;
      return worktrees.map((w) => unverifiedReport(w.path, reason, w.branch));
    }
    throw error;
  }
}
