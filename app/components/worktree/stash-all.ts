import type { RiskReport } from "@/server/schemas/risk-report";
import { describeRisk } from "@/server/schemas/describe-risk";
import type { StashSummary } from "./delete-outcome";

type StashAnswer = { stashed: boolean; ref: string | null; report: RiskReport };

export const changedFiles = (r: RiskReport) => r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted;

/** The fresh reports in place of the old ones of the same worktree; the others as they were. */
function replaceReports(old: RiskReport[], fresh: RiskReport[]): RiskReport[] {
  const freshPaths = new Set(fresh.map((r) => r.path));
  return [...fresh, ...old.filter((r) => !freshPaths.has(r.path))];
}

/**
 * Stashes every worktree of the blocked delete that has uncommitted work (the session's own, its
 * arena entries' by path), one after another, and says what is still at risk afterwards.
 */
export async function stashAll(input: {
  reports: RiskReport[];
  ownPath: string | null;
  repoPath: string | null;
  stash: (target: { path?: string }) => Promise<StashAnswer>;
}): Promise<{ summary: StashSummary; stillAtRisk: RiskReport[]; notice: string }> {
  const dirty = input.reports.filter((r) => changedFiles(r) > 0);
  const answers: StashAnswer[] = [];
  for (const report of dirty) answers.push(await input.stash(report.path === input.ownPath ? {} : { path: report.path }));
  const stashedReports = dirty.filter((_, i) => answers[i]?.stashed);
  const summary: StashSummary = {
    changes: stashedReports.reduce((sum, r) => sum + changedFiles(r), 0),
    entries: stashedReports.length,
    repoPath: input.repoPath,
  };
  // Worktrees not stashed (commits at risk only) keep their report from the block.
  const reports = replaceReports(input.reports, answers.map((a) => a.report));
  const stillAtRisk = reports.filter((r) => r.status !== "clean");
  const stashedAs =
    summary.entries === 0 ? "nothing to stash" : summary.entries === 1 ? "changes stashed as stash@{0}" : `changes stashed in ${summary.entries} worktrees`;
  return { summary, stillAtRisk, notice: stillAtRisk.length > 0 ? `${stashedAs}; still at risk: ${describeRisk(stillAtRisk)}` : `${stashedAs}; deleting…` };
}
