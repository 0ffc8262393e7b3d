"use client";

import { useMutation } from "@tanstack/react-query";
import { describeRisk } from "@/server/schemas/describe-risk";
import type { RiskReport } from "@/server/schemas/risk-report";
import { useTRPC } from "@/trpc/client";
import { usePullRequestLink } from "./use-pull-request-link";

type Blocked = { sessionId: string; ownPath: string | null; reports: RiskReport[] };

/**
 * The block dialog's ways out when only commits block: Push and Refresh (fetch) answer a fresh
 * report; nothing at risk any more, the delete is tried again, else the dialog says what still is.
 */
export function useCommitsOnlyExits(deps: {
  blocked: Blocked | null;
  retry: (notice: string) => Promise<void>;
  update: (reports: RiskReport[], notice: string) => void;
  fail: (error: unknown) => void;
}) {
  const trpc = useTRPC();
  const push = useMutation(trpc.worktree.push.mutationOptions());
  const fetchOrigin = useMutation(trpc.worktree.fetch.mutationOptions());
  const { blocked } = deps;

  async function recheck(done: string, report: RiskReport | null) {
    if (!blocked || !report) return;
    if (report.status === "clean") return deps.retry(`${done} Nothing is at risk any more.`);
    const reports = [report, ...blocked.reports.filter((r) => r.path !== report.path)];
    deps.update(reports, `${done} Still at risk: ${describeRisk(reports)}.`);
  }

  async function onPush() {
    if (!blocked) return;
    try {
      const pushed = await push.mutateAsync({ sessionId: blocked.sessionId });
      await recheck(pushed.upToDate ? "origin already had every commit." : `Pushed ${pushed.branch} to origin.`, pushed.report);
    } catch (err) {
      deps.fail(err);
    }
  }

  async function onRefresh() {
    if (!blocked) return;
    try {
      const fetched = await fetchOrigin.mutateAsync({ sessionId: blocked.sessionId });
      await recheck("Fetched origin.", fetched.report);
    } catch (err) {
      deps.fail(err);
    }
  }

  const ownReport = blocked?.reports.find((r) => r.path === blocked.ownPath) ?? null;
  return { busy: push.isPending || fetchOrigin.isPending, onPush, onRefresh, pullRequest: usePullRequestLink(blocked?.sessionId ?? "", ownReport) };
}
