"use client";

import type { RiskReport } from "@/server/schemas/risk-report";

export type PullRequestLink = { url: string | null; reason: string };

/**
 * Where the branch's pull request is opened. Until the server answers worktree.pullRequestUrl,
 * the branch and its target are named in words (no link is guessed).
 */
export function usePullRequestLink(_sessionId: string, report: RiskReport | null): PullRequestLink | null {
  if (!report?.branch) return null;
  return { url: null, reason: `Open a pull request of ${report.branch} into ${report.defaultBranch ?? "the default branch"} on your git host.` };
}
