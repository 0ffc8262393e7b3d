"use client";

import { AlertDialog } from "radix-ui";
import type { RiskReport } from "@/server/schemas/risk-report";
import { Button } from "../ui/button";
import { RiskReportView } from "./risk-report-view";

export type BlockState = {
  sessionId: string;
  sessionTitle: string;
  reports: RiskReport[];
  /** A line above the reports, e.g. "changes stashed as stash@{0}; still at risk: 2 unpushed commits". */
  notice: string | null;
};

/**
 * Shown when the delete gate refuses: what would be lost, per worktree, and ways out that keep it.
 * Could-not-verify offers only Cancel and Force (force keeps the worktree on disk).
 */
export function BlockDialog(props: {
  state: BlockState | null;
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onCommit: () => void;
  onStash: () => void;
  onForce: () => void;
}) {
  const { state } = props;
  const unverified = state ? state.reports.some((r) => r.status === "unverified") : false;
  const paths = state ? state.reports.map((r) => r.path).join(", ") : "";
  return (
    <AlertDialog.Root open={state !== null} onOpenChange={(open) => !open && props.onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 bg-black/40" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 max-h-[85vh] w-[36rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-xl dark:border-zinc-800 dark:bg-zinc-900">
          <AlertDialog.Title className="text-lg font-semibold">
            {unverified ? "Could not check the worktree" : "This session has work that would be lost"}
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-1 mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            {unverified
              ? `“${state?.sessionTitle}” was not deleted: BooChat could not verify that its worktree is safe to remove.`
              : `“${state?.sessionTitle}” was not deleted. Commit or stash the work below, or force the delete and keep the worktree on disk.`}
          </AlertDialog.Description>
          {state?.notice ? (
            <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {state.notice}
            </p>
          ) : null}
          <div className="space-y-3">
            {state?.reports.map((report) => <RiskReportView key={report.path} report={report} />)}
          </div>
          <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
            Force deletes the session but keeps the worktree on disk at <span className="font-mono break-all">{paths}</span>, listed under
            “Orphaned worktrees”.
          </p>
          {props.error ? (
            <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
              {props.error}
            </p>
          ) : null}
          <div className="mt-4 flex flex-wrap justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button disabled={props.busy}>Cancel</Button>
            </AlertDialog.Cancel>
            {unverified ? null : (
              <>
                <Button onClick={props.onCommit} disabled={props.busy}>
                  Commit
                </Button>
                <Button onClick={props.onStash} disabled={props.busy}>
                  Stash
                </Button>
              </>
            )}
            <Button variant="danger" onClick={props.onForce} disabled={props.busy}>
              Force
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
