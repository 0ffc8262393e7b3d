"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RiskReport } from "@/server/schemas/risk-report";
import type { RunningTask } from "@/server/schemas/session";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { useNotifications } from "../ui/notifications";
import { changesLinksOf, RiskReportView } from "../worktree/risk-report-view";
import type { ArenaData } from "./arena-evidence";

export type Refusal = { message: string; reports: RiskReport[]; running: RunningTask[]; conflicts: string[] };

/** What a refused arena action carries (a 409): its words, and the reports of the worktrees that hold work. */
export function refusalOf(error: unknown): Refusal | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = (error as TRPCClientError<AppRouter>).data;
  if (data?.code !== "CONFLICT") return null;
  return { message: error.message, reports: data.riskReports ?? [], running: data.runningTasks ?? [], conflicts: data.conflicts ?? [] };
}

/** A refusal in full, as the block dialog shows one: the words, the agents still at work, every worktree's report. */
export function RefusalView({ refusal, sessionOfPath }: { refusal: Refusal; sessionOfPath: (path: string) => string | null }) {
  return (
    <div role="alert" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <p className="font-medium">{refusal.message}</p>
      {refusal.conflicts.length > 0 ? (
        <div>
          <p>{refusal.conflicts.length === 1 ? "The file in conflict" : "The files in conflict"} (nothing was changed):</p>
          <ul className="ml-4 list-disc font-mono">
            {refusal.conflicts.map((file) => (
              <li key={file} className="break-all">
                {file}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {refusal.running.length > 0 ? (
        <ul className="ml-4 list-disc">
          {refusal.running.map((t) => (
            <li key={t.taskId}>
              {t.agent} is still running in {t.chatTitle ? `“${t.chatTitle}”` : "a closed tab"}
            </li>
          ))}
        </ul>
      ) : null}
      {refusal.reports.map((report) => {
        const sessionId = sessionOfPath(report.path);
        return <RiskReportView key={report.path} report={report} links={sessionId ? changesLinksOf(sessionId) : undefined} />;
      })}
    </div>
  );
}

const MERGE_WORDS: Record<string, string> = {
  "fast-forward": "fast-forwarded (no merge commit was needed)",
  merged: "merged with a merge commit",
  "up-to-date": "already there: nothing to merge",
};

/**
 * After a winner is marked: Merge into session (the winner's branch into the session's, in its
 * worktree; a conflict or uncommitted work there refuses and changes nothing) and Delete the other
 * entries (arena.cleanup, through the delete gate: the clean losers go, any that hold work stay,
 * and the refusal says which and why).
 */
export function ArenaWinnerActions({ arena }: { arena: ArenaData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useNotifications();
  const cleanup = useMutation(
    trpc.arena.cleanup.mutationOptions({
      onSuccess: async ({ deleted }) => {
        notify({ title: `${deleted.length === 1 ? "1 other entry" : `${deleted.length} other entries`} deleted`, body: "Their worktrees were removed; their branches stay in the repository." });
        await queryClient.invalidateQueries({ queryKey: trpc.arena.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
      },
      onError: () => void queryClient.invalidateQueries({ queryKey: trpc.arena.pathKey() }),
    }),
  );
  const merge = useMutation(
    trpc.arena.merge.mutationOptions({
      onSuccess: async (merged) => {
        notify({ title: `The winner's branch ${merged.branch} was ${MERGE_WORDS[merged.result] ?? merged.result}`, body: "It is in the session's branch and worktree now." });
        await queryClient.invalidateQueries({ queryKey: trpc.worktree.pathKey() });
      },
    }),
  );
  if (!arena.winnerChatId) return null;
  const winner = arena.entries.find((e) => e.chatId === arena.winnerChatId);
  const mergeRefusal = merge.error ? refusalOf(merge.error) : null;
  const losers = arena.entries.filter((e) => e.chatId !== arena.winnerChatId);
  const refusal = cleanup.error ? refusalOf(cleanup.error) : null;
  const sessionOfPath = (path: string) => arena.entries.find((e) => e.worktreePath === path)?.sessionId ?? null;
  return (
    <div className="space-y-2 border-b border-zinc-200 px-3 py-2 text-sm md:px-5 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" disabled={merge.isPending || !winner?.branch} onClick={() => merge.mutate({ arenaId: arena.id })}>
          {merge.isPending ? "Merging…" : "Merge into session"}
        </Button>
        <span className="text-xs text-zinc-700 dark:text-zinc-300">Brings {winner?.branch ? <span className="font-mono">{winner.branch}</span> : "the winner's branch"} into this session's branch.</span>
      </div>
      {merge.data ? (
        <p role="status" className="text-green-800 dark:text-green-300">
          Merged: {MERGE_WORDS[merge.data.result] ?? merge.data.result}.
        </p>
      ) : null}
      {mergeRefusal ? <RefusalView refusal={mergeRefusal} sessionOfPath={() => arena.sessionId} /> : null}
      {merge.error && !mergeRefusal ? (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {merge.error.message}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        {losers.length > 0 ? (
          <Button variant="secondary" disabled={cleanup.isPending} onClick={() => cleanup.mutate({ arenaId: arena.id })}>
            {cleanup.isPending ? "Deleting…" : "Delete the other entries"}
          </Button>
        ) : null}
        <span className="text-xs text-zinc-700 dark:text-zinc-300">
          {losers.length > 0 ? "Deletes the entries that did not win, each through the delete check: one that holds work is kept and named." : "Only the winner is left."}
        </span>
      </div>
      {refusal ? <RefusalView refusal={refusal} sessionOfPath={sessionOfPath} /> : null}
      {cleanup.error && !refusal ? (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {cleanup.error.message}
        </p>
      ) : null}
    </div>
  );
}
