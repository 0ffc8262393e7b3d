import type { RiskReport } from "./risk-report";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What is at risk in words ("2 uncommitted changes; 1 unpushed commit"); shared by the server's 409 and the dialog. */
export function describeRisk(reports: RiskReport[]): string {
  const parts: string[] = [];
  for (const report of reports) {
    if (report.status === "unverified") {
      parts.push(report.error ?? "the worktree could not be checked");
      continue;
    }
    const d = report.dirty;
    const changed = d.staged + d.unstaged + d.untracked + d.conflicted;
    if (changed > 0) parts.push(plural(changed, "uncommitted change", "uncommitted changes"));
    if (report.unpushed.count > 0) parts.push(plural(report.unpushed.count, "unpushed commit", "unpushed commits"));
    // Unpushed commits are never in the remote default branch, so they are unmerged too: name only the rest.
    const pushedUnmerged = report.unmerged.count - report.unpushed.count;
    if (pushedUnmerged > 0) {
      parts.push(plural(pushedUnmerged, report.unpushed.count > 0 ? "more unmerged commit" : "unmerged commit", report.unpushed.count > 0 ? "more unmerged commits" : "unmerged commits"));
    }
    if (report.reasons.includes("operation-in-progress")) parts.push("a merge or rebase in progress");
    if (report.reasons.includes("detached")) parts.push("commits on a detached HEAD that no branch holds");
  }
  return parts.length > 0 ? parts.join("; ") : "work that could not be verified";
}
