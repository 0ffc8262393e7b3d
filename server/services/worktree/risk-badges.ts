import type { Db } from "../../db";
import type { RiskReport } from "../../schemas/risk-report";
import type { SidecarClient } from "../../sidecar-client";
import { checkWorktrees, unverifiedReport } from "./risk-gate";
import { liveWorktree } from "./session-worktrees";

export type RiskBadge = {
  sessionId: string;
  /** none: no worktree (nothing a delete could meet). */
  status: "clean" | "at-risk" | "unverified" | "none";
  uncommitted: number;
  unpushed: number;
  unmerged: number;
  /** What a delete would meet, in words: the badge's accessible name. */
  label: string;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The badge of one report: counts and words ("2 uncommitted files, 1 unpushed commit"). */
export function badgeOf(sessionId: string, report: RiskReport): RiskBadge {
  const uncommitted = report.dirty.staged + report.dirty.unstaged + report.dirty.untracked + report.dirty.conflicted;
  const unpushed = report.unpushed.count;
  // Unpushed commits are unmerged too: the badge names the others.
  const unmerged = Math.max(0, report.unmerged.count - unpushed);
  if (report.status === "unverified") {
    return { sessionId, status: "unverified", uncommitted, unpushed, unmerged, label: `could not verify: ${report.error ?? "the check could not run"}` };
  }
  const parts = [
    uncommitted ? plural(uncommitted, "uncommitted file", "uncommitted files") : null,
    unpushed ? plural(unpushed, "unpushed commit", "unpushed commits") : null,
    unmerged ? plural(unmerged, "unmerged commit", "unmerged commits") : null,
    report.reasons.includes("operation-in-progress") ? "a merge or rebase in progress" : null,
    report.reasons.includes("detached") ? "commits on a detached HEAD" : null,
  ].filter((part): part is string => part !== null);
  const status = report.status === "clean" ? "clean" : "at-risk";
  return { sessionId, status, uncommitted, unpushed, unmerged, label: status === "clean" ? "clean: nothing would be lost" : parts.join(", ") || "work at risk" };
}

/**
 * What deleting each of these sessions would meet, for the sidebar's badges: ONE risk request to
 * the sidecar for all their worktrees (it shares the work per repository), fail-closed per
 * worktree. Unknown ids are left out; sessions without a worktree answer "none".
 */
export async function riskBadges(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, sessionIds: string[]): Promise<RiskBadge[]> {
  const sessions = await deps.db.session.findMany({ where: { id: { in: sessionIds } }, select: { id: true, worktree: true } });
  const withWorktree = sessions.flatMap((s) => {
    const worktree = liveWorktree(s.worktree);
    return worktree ? [{ sessionId: s.id, path: worktree.path, branch: worktree.branch }] : [];
  });
  const { reports } = withWorktree.length > 0 ? await checkWorktrees(deps.sidecar, withWorktree, deps.riskTimeoutMs) : { reports: [] };
  const byPath = new Map(reports.map((r) => [r.path, r]));
  return sessions.map((s) => {
    const entry = withWorktree.find((w) => w.sessionId === s.id);
    const report = entry ? byPath.get(entry.path) : undefined;
    if (!entry) return { sessionId: s.id, status: "none", uncommitted: 0, unpushed: 0, unmerged: 0, label: "chat only: no worktree" };
    return badgeOf(s.id, report ?? unverifiedReport(entry.path, "the sidecar gave no report for it", entry.branch));
  });
}
