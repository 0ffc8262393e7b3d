"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RiskReport } from "@/server/schemas/risk-report";
import { describeRisk } from "@/server/services/worktree/describe-risk";
import { useTRPC } from "@/trpc/client";
import { BlockDialog, type BlockState } from "./block-dialog";

function riskReportsOf(error: unknown): RiskReport[] | null {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data?.code === "CONFLICT" && data.riskReports) return data.riskReports;
  }
  return null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Delete a session through the gate: a refusal opens the block dialog; Stash re-checks and deletes
 * when nothing blocks any more; Force sends back the fingerprints the user saw.
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

  async function attempt(session: { id: string; title: string }, input: { force?: boolean; consent?: string[] }, notice: string | null) {
    try {
      await del.mutateAsync({ id: session.id, ...input });
      await afterDeleted(session.id);
    } catch (err) {
      const reports = riskReportsOf(err);
      if (reports) {
        setError(null);
        setBlock({ sessionId: session.id, sessionTitle: session.title, reports, notice });
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
      busy={del.isPending || stash.isPending}
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
          const targets: Array<string | undefined> = dirty.length > 0 ? dirty.map((r) => r.path) : [undefined];
          const own = await ownWorktreePath(current.id);
          const results = [];
          for (const path of targets) results.push(await stash.mutateAsync({ sessionId: current.id, ...(path && path !== own ? { path } : {}) }));
          const stashed = results.filter((r) => r.stashed).length;
          const stashedAs = stashed === 0 ? "nothing to stash" : targets.length === 1 ? "changes stashed as stash@{0}" : `changes stashed in ${stashed} worktrees`;
          // Worktrees not stashed (commits at risk only) keep their report from the block.
          const reports = [...results.map((r) => r.report), ...(block?.reports ?? []).filter((r) => !targets.includes(r.path))];
          if (reports.every((r) => r.status === "clean")) {
            await attempt(current, {}, `${stashedAs}; deleting…`);
          } else {
            setError(null);
            setBlock({
              sessionId: current.id,
              sessionTitle: current.title,
              reports: reports.filter((r) => r.status !== "clean"),
              notice: `${stashedAs}; still at risk: ${describeRisk(reports)}`,
            });
          }
        } catch (err) {
          setError(messageOf(err));
        }
      }}
      onForce={async () => {
        if (!current || !block) return;
        await attempt(
          current,
          { force: true, consent: block.reports.map((r) => r.fingerprint) },
          "The worktree changed since you looked at it: review it again before forcing.",
        );
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
