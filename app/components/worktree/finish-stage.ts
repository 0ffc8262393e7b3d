import type { RiskReport } from "@/server/schemas/risk-report";

export type FinishStage = "uncommitted" | "unpushed" | "unmerged" | "merged" | "unverified";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Where a session's branch stands on the way to done, from its risk report: work not committed,
 * commits not pushed, pushed but not merged into the default branch, or merged (nothing to lose).
 */
export function finishStage(report: RiskReport): { stage: FinishStage; words: string; next: string } {
  const d = report.dirty;
  const changed = d.staged + d.unstaged + d.untracked + d.conflicted;
  const into = report.defaultBranch ?? "the default branch";
  if (report.status === "unverified") return { stage: "unverified", words: `could not check the worktree: ${report.error ?? "the check failed"}`, next: "Refresh to check again." };
  if (changed > 0) return { stage: "uncommitted", words: `${plural(changed, "uncommitted change", "uncommitted changes")}`, next: "Commit them." };
  if (report.unpushed.count > 0) {
    return { stage: "unpushed", words: `${plural(report.unpushed.count, "commit", "commits")} not pushed`, next: `Push the branch to origin.` };
  }
  if (report.unmerged.count > 0 || report.status === "at-risk") {
    return {
      stage: "unmerged",
      words: `pushed, ${plural(report.unmerged.count, "commit", "commits")} not merged into ${into}`,
      next: `Open a pull request; once it is merged, Refresh.`,
    };
  }
  return { stage: "merged", words: `everything is merged into ${into}: deleting the session loses nothing`, next: "Delete the session." };
}

export const FINISH_ORDER: FinishStage[] = ["uncommitted", "unpushed", "unmerged", "merged"];
