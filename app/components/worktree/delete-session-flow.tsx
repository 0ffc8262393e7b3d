"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RiskReport } from "@/server/schemas/risk-report";
import type { RunningTask } from "@/server/schemas/session";
import { useTRPC } from "@/trpc/client";
import { useActivity } from "../activity/activity-provider";
import { useNotifications } from "../ui/notifications";
import { BlockDialog, type BlockState } from "./block-dialog";
import { ConfirmDeleteSession, ConfirmForceDelete, worktreeSessionsOf, type SessionRef } from "./delete-confirmations";
import { deleteNotice, type DeleteResult, type StashSummary } from "./delete-outcome";
import { useCommitsOnlyExits } from "./use-commits-only-exits";

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

/** The worktrees a forced delete leaves on disk: those the refusal named, else the session's own. */
function keptPaths(block: BlockState, session: SessionRef): string[] {
  if (block.reports.length > 0) return block.reports.map((r) => r.path);
  return session.worktree ? [session.worktree.path] : [];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Flow =
  | { step: "idle" }
  | { step: "confirm"; session: SessionRef; error: string | null }
  | { step: "blocked"; session: SessionRef; block: BlockState; error: string | null; askingForce: boolean };

/**
 * Delete a session through the gate. It asks first; a refusal opens the block dialog, where Stash
 * re-checks and deletes when nothing blocks any more, Stop agents stops them and tries again, and
 * Force asks once more, then skips the check. Every delete ends with a toast saying where the work is.
 */
export function useDeleteSessionFlow(options: { selectedId: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const activity = useActivity();
  const { notify } = useNotifications();
  const [flow, setFlow] = useState<Flow>({ step: "idle" });
  const del = useMutation(trpc.session.delete.mutationOptions());
  const stashAndDelete = useMutation(trpc.session.stashAndDelete.mutationOptions());
  const stopAgents = useMutation(trpc.session.stopAgents.mutationOptions());
  const busy = del.isPending || stashAndDelete.isPending || stopAgents.isPending;

  /** The session is gone: say where its work is, refresh the lists, leave its page. */
  async function deleted(session: SessionRef, result: DeleteResult, stashed: StashSummary | null) {
    setFlow({ step: "idle" });
    notify(deleteNotice({ title: session.title, branch: session.worktree?.branch ?? null, result, stash: stashed }));
    await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.worktree.orphans.queryKey() });
    if (options.selectedId === session.id) router.push("/");
  }

  /** A refused delete opens (or updates) the block dialog; any other failure is shown where the user is. */
  function refused(session: SessionRef, err: unknown, notice: string | null) {
    const refusal = refusalOf(err);
    const block: BlockState | null = refusal ? { sessionId: session.id, sessionTitle: session.title, ...refusal, notice, worktreeSessions: worktreeSessionsOf(session) } : null;
    setFlow((current) => {
      if (block) return { step: "blocked", session, block, error: null, askingForce: false };
      if (current.step === "idle") return current;
      return current.step === "blocked" ? { ...current, askingForce: false, error: messageOf(err) } : { ...current, error: messageOf(err) };
    });
  }

  async function attempt(session: SessionRef, input: { force?: boolean }, notice: string | null) {
    try {
      await deleted(session, await del.mutateAsync({ id: session.id, ...input }), null);
    } catch (err) {
      refused(session, err, notice);
    }
  }

  const blocked = flow.step === "blocked" ? flow : null;
  const fail = (err: unknown) => setFlow((current) => (current.step === "blocked" ? { ...current, error: messageOf(err) } : current));

  /**
   * Stash as one server step (session.stashAndDelete): every dirty worktree of the session is
   * stashed, then the gate runs; when commits still block, the dialog stays with the fresh reports
   * and the server's words on what was stashed.
   */
  async function onStash() {
    if (!blocked) return;
    const { session, block } = blocked;
    const changes = block.reports.reduce((sum, r) => sum + r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted, 0);
    const repoPath = (await queryClient.fetchQuery(trpc.session.get.queryOptions({ id: session.id })).catch(() => null))?.worktree?.repoPath ?? null;
    try {
      const result = await stashAndDelete.mutateAsync({ id: session.id });
      await deleted(session, result, { changes, entries: result.stashed.length, repoPath });
    } catch (err) {
      const words = messageOf(err);
      refused(session, err, words);
      if (words.startsWith("Stashed")) notify({ title: "Changes stashed, nothing deleted yet", body: `${words.split("; the session was not deleted")[0]}${repoPath ? ` (in the stash of ${repoPath})` : ""}.` });
    }
  }

  async function onStopAgents() {
    if (!blocked) return;
    try {
      const { stopped } = await stopAgents.mutateAsync({ id: blocked.session.id });
      // Tried again: the delete may now meet the work the agents left.
      await attempt(blocked.session, {}, `${stopped.length === 1 ? "1 agent stopped" : `${stopped.length} agents stopped`}.`);
    } catch (err) {
      fail(err);
    }
  }

  const exits = useCommitsOnlyExits({
    blocked: blocked ? { sessionId: blocked.session.id, ownPath: blocked.session.worktree?.path ?? null, reports: blocked.block.reports } : null,
    retry: (notice) => (blocked ? attempt(blocked.session, {}, notice) : Promise.resolve()),
    update: (reports, notice) => blocked && setFlow({ ...blocked, block: { ...blocked.block, reports, notice }, error: null }),
    fail,
  });

  const dialog = (
    <>
      <ConfirmDeleteSession
        session={flow.step === "confirm" ? flow.session : null}
        running={flow.step === "confirm" && activity.sessionRunning(flow.session.id)}
        busy={busy}
        error={flow.step === "confirm" ? flow.error : null}
        onConfirm={() => flow.step === "confirm" && void attempt(flow.session, {}, null)}
        onCancel={() => setFlow({ step: "idle" })}
      />
      <BlockDialog
        state={blocked?.block ?? null}
        busy={busy || exits.busy}
        error={blocked?.error ?? null}
        onCancel={() => setFlow({ step: "idle" })}
        onCommit={() => {
          if (!blocked) return;
          setFlow({ step: "idle" });
          router.push(`/sessions/${blocked.session.id}?commit=1`);
        }}
        onStash={() => void onStash()}
        onStopAgents={() => void onStopAgents()}
        onForce={() => blocked && setFlow({ ...blocked, askingForce: true, error: null })}
        onPush={() => void exits.onPush()}
        onRefresh={() => void exits.onRefresh()}
        pullRequest={exits.pullRequest}
        covered={blocked?.askingForce ?? false}
      />
      <ConfirmForceDelete
        open={blocked?.askingForce ?? false}
        title={blocked?.session.title ?? ""}
        paths={blocked ? keptPaths(blocked.block, blocked.session) : []}
        agentsRunning={(blocked?.block.runningTasks.length ?? 0) > 0}
        busy={busy}
        onConfirm={() => blocked && void attempt(blocked.session, { force: true }, null)}
        onCancel={() => blocked && setFlow({ ...blocked, askingForce: false })}
      />
    </>
  );

  return {
    requestDelete: (session: SessionRef) => setFlow({ step: "confirm", session, error: null }),
    pending: del.isPending,
    dialog,
  };
}
