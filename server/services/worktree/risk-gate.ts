import type { RiskReport } from "../../schemas/risk-report";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";

/** The verdict the delete gate acts on: the sidecar's reports, and whether it answered at all. */
export type GateCheck = { reports: RiskReport[]; sidecarAnswered: boolean };

/** A report for a worktree the sidecar could not check: blocks a delete (fail-closed), never says clean. */
export function unverifiedReport(path: string, error: string): RiskReport {
  return {
    path,
    status: "unverified",
    reasons: [],
    branch: null,
    head: null,
    defaultBranch: null,
    dirty: { staged: 0, unstaged: 0, untracked: 0, conflicted: 0, files: [] },
    unpushed: { count: 0, upstream: null, commits: [] },
    unmerged: { count: 0, commits: [] },
    stashes: 0,
    fingerprint: "unverified",
    error,
  };
}

/** Asks the sidecar about the worktrees within a bounded time; any failure becomes an unverified report. */
export async function checkWorktrees(sidecar: SidecarClient, paths: string[], timeoutMs: number): Promise<GateCheck> {
  try {
    return { reports: await sidecar.risk(paths, { timeoutMs }), sidecarAnswered: true };
  } catch (error) {
    if (error instanceof SidecarUnavailableError) {
      return { reports: paths.map((p) => unverifiedReport(p, `The risk check could not run: ${error.message}.`)), sidecarAnswered: false };
    }
    if (error instanceof SidecarRequestError) {
      return { reports: paths.map((p) => unverifiedReport(p, `The sidecar refused the risk check: ${error.message}.`)), sidecarAnswered: true };
    }
    throw error;
  }
}

export const allClean = (reports: RiskReport[]) => reports.length > 0 && reports.every((r) => r.status === "clean");

/** True when every report's fingerprint is among those the user consented to. */
export function consentCovers(reports: RiskReport[], consent: string[] | undefined): boolean {
  if (!consent || consent.length === 0) return false;
  const seen = new Set(consent);
  return reports.every((r) => seen.has(r.fingerprint));
}
