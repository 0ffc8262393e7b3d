import { emptyRiskReport, type RiskReport } from "../../schemas/risk-report";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";

/** A report for a worktree the sidecar could not check: blocks a delete (fail-closed), never says clean. */
export function unverifiedReport(path: string, error: string, branch: string | null = null): RiskReport {
  return { ...emptyRiskReport(path), branch, fingerprint: "unverified", error };
}

/**
 * Asks the sidecar about the worktrees (their branch as BooChat recorded it, for the words of a
 * failure) within a bounded time; any failure becomes an unverified report.
 */
export async function checkWorktrees(
  sidecar: SidecarClient,
  worktrees: { path: string; branch: string | null }[],
  timeoutMs: number,
): Promise<{ reports: RiskReport[] }> {
  try {
    return { reports: await sidecar.risk(worktrees.map((w) => w.path), { timeoutMs }) };
  } catch (error) {
    if (error instanceof SidecarUnavailableError) {
      const reason = `The risk check could not run: ${error.message}.`;
      return { reports: worktrees.map((w) => unverifiedReport(w.path, reason, w.branch)) };
    }
    if (error instanceof SidecarRequestError) {
      const reason = `The sidecar refused the risk check: ${error.message}.`;
      return { reports: worktrees.map((w) => unverifiedReport(w.path, reason, w.branch)) };
    }
    throw error;
  }
}
