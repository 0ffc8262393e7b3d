"use client";

import { useQuery } from "@tanstack/react-query";
import type { RiskReport } from "@/server/schemas/risk-report";
import { useTRPC } from "@/trpc/client";

export type PullRequestLink = { url: string | null; reason: string };

/**
 * Where the branch's pull request is opened (worktree.pullRequestUrl: the host's page, built from
 * origin's URL), asked only while commits wait to be merged; without a link, why, in words.
 */
export function usePullRequestLink(sessionId: string, report: RiskReport | null): PullRequestLink | null {
  const trpc = useTRPC();
  const wanted = sessionId !== "" && report !== null && report.status === "at-risk" && report.unmerged.count > 0;
  const link = useQuery(trpc.worktree.pullRequestUrl.queryOptions({ sessionId }, { enabled: wanted, retry: false, staleTime: 60_000 }));
  if (!wanted) return null;
  if (link.data) return link.data;
  if (link.error) return { url: null, reason: `the link could not be made (${link.error.message})` };
  return null;
}
