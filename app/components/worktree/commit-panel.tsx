"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { RiskReportView } from "./risk-report-view";

/**
 * The commit flow the block dialog's Commit leads to: the changes that blocked the delete, shown
 * in the session where they can be committed. Nothing is committed from here by itself.
 */
export function CommitPanel({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const risk = useQuery(trpc.worktree.risk.queryOptions({ sessionId }, { staleTime: 0 }));
  return (
    <section aria-labelledby="commit-heading" className="border-b border-zinc-200 bg-amber-50/60 px-5 py-3 dark:border-zinc-800 dark:bg-amber-950/30">
      <div className="flex items-center justify-between">
        <h2 id="commit-heading" className="font-semibold">
          Commit your changes
        </h2>
        <div className="flex gap-2">
          <Button variant="ghost" onClick={() => void risk.refetch()}>
            Check again
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Done
          </Button>
        </div>
      </div>
      <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300">
        These changes kept the session from being deleted. Commit them in this session (ask the agent in a tab, or run git in the
        worktree), push the branch, then delete the session again.
      </p>
      {risk.isPending ? <p className="text-sm">Checking the worktree…</p> : null}
      {risk.error ? <p role="alert">{risk.error.message}</p> : null}
      {risk.data ? <RiskReportView report={risk.data} /> : null}
      {risk.data?.status === "clean" ? <p className="mt-2 text-sm text-green-800 dark:text-green-300">Nothing is at risk any more.</p> : null}
    </section>
  );
}
