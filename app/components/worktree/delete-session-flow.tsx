"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RiskReport } from "@/server/schemas/risk-report";
import type { RunningTask } from "@/server/schemas/session";
import { describeRisk } from "@/server/services/worktree/describe-risk";
import { useTRPC } from "@/trpc/client";
import { BlockDialog, type BlockState } from "./block-dialog";

/** What a refused delete carries: the risk reports and the agents still running (either may be empty). */
function refusalOf(error: unknown): { reports: RiskReport[]; runningTasks: RunningTask[] } | null {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data?.code === "CONFLICT" && (data.riskReports || data.runningTasks)) {
      return { reports: data.riskReports ?? [], runningTasks: data.runningTasks ?? [] };
    }
  }
  return null;
}

/** The fresh reports in place of the old ones of the same worktree; the others as they were. */
function replaceReports(old: RiskReport[], fresh: RiskReport[]): RiskReport[] {
  const freshPaths = new Set(fresh.map((r) => r.path));
  return [...fresh, ...old.filter((r) => !freshPaths.has(r.path))];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Delete a session through the gate: a refusal opens the block dialog; Stash re-checks and deletes
 * when nothing blocks any more; Stop agents stops them and tries again; Force skips the check.
 */
export function useDeleteSessionFlow(options: { selectedId: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [block, setBlock] = useState<BlockState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [standaloneError, setStandaloneError] = useState<string | null>(null);

  const del = useMutation(trpc.session.delete.mutationOptions());
  const stash = useMutation(trpc.worktree.stash.mutationOptions());
  const stopAgents = useMutation(trpc.session.stopAgents.mutationOptions());

  async function ownWorktreePath(sessionId: string): Promise<string | null> {
    const session = await queryClient.fetchQuery(trpc.session.get.queryOptions({ id: sessionId }));
    return session.worktree?.path ?? null;
  }

  async function afterDeleted(sessionId: string) {
    setBlock(null);
    setError(null);
    await queryClient.invalidateQueries({ queryKey: trpc.session.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.worktree.orphans.queryKey() });
    if (options.selectedId === sessionId) router.push("/");
  }

  async function attempt(session: { id: string; title: string }, input: { force?: boolean }, notice: string | null) {
    try {
      await del.mutateAsync({ id: session.id, ...input });
      await afterDeleted(session.id);
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) {
        setError(null);
        setBlock({ sessionId: session.id, sessionTitle: session.title, ...refusal, notice });
      } else if (block) {
        setError(messageOf(err));
      } else {
        setStandaloneError(`Could not delete “${session.title}”: ${messageOf(err)}`);
      }
    }
  }

  const current = block ? { id: block.sessionId, title: block.sessionTitle } : null;

  const dialog = (
    <BlockDialog
      state={block}
      busy={del.isPending || stash.isPending || stopAgents.isPending}
      error={error}
      onCancel={() => {
        setBlock(null);
        setError(null);
      }}
      onCommit={() => {
        if (!current) return;
        setBlock(null);
        router.push(`/sessions/${current.id}?commit=1`);
      }}
      onStash={async () => {
        if (!current) return;
        try {
          // Every worktree of the session with uncommitted work (its own, its arena entries').
          const dirty = (block?.reports ?? []).filter((r) => r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted > 0);
          const own = await ownWorktreePath(current.id);
          const results = [];
          for (const report of dirty) results.push(await stash.mutateAsync({ sessionId: current.id, ...(report.path !== own ? { path: report.path } : {}) }));
          const stashed = results.filter((r) => r.stashed).length;
          const stashedAs = stashed === 0 ? "nothing to stash" : dirty.length === 1 ? "changes stashed as stash@{0}" : `changes stashed in ${stashed} worktrees`;
          // Worktrees not stashed (commits at risk only) keep their report from the block.
          const reports = replaceReports(block?.reports ?? [], results.map((r) => r.report));
          if (reports.every((r) => r.status === "clean")) {
            await attempt(current, {}, `${stashedAs}; deleting…`);
          } else {
            setError(null);
            setBlock({
              sessionId: current.id,
              sessionTitle: current.title,
              reports: reports.filter((r) => r.status !== "clean"),
              runningTasks: [],
              notice: `${stashedAs}; still at risk: ${describeRisk(reports)}`,
            });
          }
        } catch (err) {
          setError(messageOf(err));
        }
      }}
      onStopAgents={async () => {
        if (!current) return;
        try {
          const { stopped } = await stopAgents.mutateAsync({ id: current.id });
          // Tried again: the delete may now meet the work the agents left.
          await attempt(current, {}, `${stopped.length === 1 ? "1 agent stopped" : `${stopped.length} agents stopped`}.`);
        } catch (err) {
          setError(messageOf(err));
        }
      }}
      onForce={async () => {
        if (!current) return;
        await attempt(current, { force: true }, null);
      }}
    />
  );

  return {
    requestDelete: (session: { id: string; title: string }) => {
      setStandaloneError(null);
      void attempt(session, {}, null);
    },
    pending: del.isPending,
    dialog,
    standaloneError,
    dismissError: () => setStandaloneError(null),
  };
}
