"use client";

import { AlertDialog } from "radix-ui";
import type { RiskReport } from "@/server/schemas/risk-report";
import type { RunningTask } from "@/server/schemas/session";
import { Button } from "../ui/button";
import { useReturnFocus } from "../ui/return-focus";
import { CommitsOnlyButtons, CommitsOnlyWords } from "./commits-only-actions";
import { changesLinksOf, RiskReportView } from "./risk-report-view";
import type { PullRequestLink } from "./use-pull-request-link";

export type BlockState = {
  sessionId: string;
  sessionTitle: string;
  reports: RiskReport[];
  /** Agents still at work in the session (or its arena entries): the delete waits for them. */
  runningTasks: RunningTask[];
  /** A line above the reports, e.g. "changes stashed as stash@{0}; still at risk: 2 unpushed commits". */
  notice: string | null;
  /** The session each worktree belongs to (the session's own, its arena entries'), for links to their changes. */
  worktreeSessions?: Record<string, string>;
};

type BlockKind = "agents-running" | "unverified" | "at-risk";

function kindOf(state: BlockState | null): BlockKind {
  if (state && state.runningTasks.length > 0) return "agents-running";
  return state?.reports.some((r) => r.status === "unverified") ? "unverified" : "at-risk";
}

const TITLES: Record<BlockKind, string> = {
  "agents-running": "Agents are still running in this session",
  unverified: "Could not check the worktree",
  "at-risk": "This session has work that would be lost",
};

function description(kind: BlockKind, title: string): string {
  if (kind === "agents-running") return `“${title}” was not deleted: its agents are still working. Stop them first (their work so far stays), or force the delete.`;
  if (kind === "unverified") return `“${title}” was not deleted: BooChat could not verify that its worktree is safe to remove.`;
  return `“${title}” was not deleted. Commit or stash the work below, or force the delete and keep the worktree on disk.`;
}

const isDirty = (r: RiskReport) => r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted > 0;

/** The running agents, by tab. */
function RunningAgents({ tasks }: { tasks: RunningTask[] }) {
  return (
    <section aria-label="Running agents" className="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-700">
      <ul className="ml-4 list-disc">
        {tasks.map((task) => (
          <li key={task.taskId}>
            <span className="font-medium">{task.agent}</span> in {task.chatTitle ? `“${task.chatTitle}”` : "a closed tab"}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Shown when the delete gate refuses: running agents (Stop agents, Force, Cancel), work at risk per
 * worktree (Commit, Stash, Force, Cancel), or a check that could not run (Cancel, Force). Force
 * keeps every worktree on disk.
 */
export function BlockDialog(props: {
  state: BlockState | null;
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onCommit: () => void;
  onStash: () => void;
  onStopAgents: () => void;
  onForce: () => void;
  /** When only commits of the session's own clean worktree block: Push, Open pull request, Refresh. */
  onPush: () => void;
  onRefresh: () => void;
  pullRequest: PullRequestLink | null;
  /** Another question (Force's) stands in front: hidden meanwhile, so only that question is seen and read. */
  covered?: boolean;
}) {
  const { state } = props;
  const kind = kindOf(state);
  const paths = state ? state.reports.map((r) => r.path).join(", ") : "";
  const focus = useReturnFocus(state !== null);
  // The session's own worktree, clean, blocked by commits alone: the ways to get them merged.
  const own = state?.reports.length === 1 && state.worktreeSessions?.[state.reports[0]?.path ?? ""] === state.sessionId ? state.reports[0] : undefined;
  const commitsOnly = kind === "at-risk" && own && !isDirty(own) && own.status === "at-risk" ? own : null;
  return (
    <AlertDialog.Root open={state !== null} onOpenChange={(open) => !open && props.onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <AlertDialog.Content
          {...focus}
          className={`fixed top-1/2 left-1/2 z-50 flex max-h-[calc(100dvh-2rem)] w-[36rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 flex-col ${props.covered ? "invisible" : ""} overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900`}
        >
          {/* The reports scroll between a fixed title and fixed buttons: on a phone the buttons stay on screen. */}
          <div className="shrink-0 px-5 pt-5">
            <AlertDialog.Title className="text-lg font-semibold">{TITLES[kind]}</AlertDialog.Title>
            <AlertDialog.Description className="mt-1 mb-3 text-sm text-zinc-700 dark:text-zinc-300">
              {description(kind, state?.sessionTitle ?? "")}
            </AlertDialog.Description>
          </div>
          <div tabIndex={0} aria-label="Details" role="group" className="min-h-0 flex-1 overflow-y-auto px-5 pb-3 focus-visible:outline-2 focus-visible:outline-indigo-500">
            {state?.notice ? (
              <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                {state.notice}
              </p>
            ) : null}
            {kind === "agents-running" && state ? <RunningAgents tasks={state.runningTasks} /> : null}
            <div className="space-y-3">
              {state?.reports.map((report) => {
                const sessionId = state.worktreeSessions?.[report.path];
                return <RiskReportView key={report.path} report={report} links={sessionId ? changesLinksOf(sessionId) : undefined} />;
              })}
            </div>
            {commitsOnly ? <CommitsOnlyWords report={commitsOnly} pullRequest={props.pullRequest} /> : null}
            <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">
              {kind === "agents-running" ? "Force stops the agents and deletes the session" : "Force deletes the session"}
              {paths ? (
                <>
                  {" "}
                  but keeps the worktree on disk at <span className="font-mono break-all">{paths}</span>, listed under “Orphaned worktrees”.
                </>
              ) : (
                "; any worktree stays on disk, listed under “Orphaned worktrees”."
              )}
            </p>
          </div>
          <div className="shrink-0 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
            {props.error ? (
              <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
                {props.error}
              </p>
            ) : null}
            <div className="flex flex-wrap justify-end gap-2">
              <AlertDialog.Cancel asChild>
                <Button disabled={props.busy}>Cancel</Button>
              </AlertDialog.Cancel>
              {kind === "agents-running" ? (
                <Button onClick={props.onStopAgents} disabled={props.busy}>
                  Stop agents
                </Button>
              ) : null}
              {commitsOnly ? (
                <CommitsOnlyButtons report={commitsOnly} pullRequest={props.pullRequest} busy={props.busy} onPush={props.onPush} onRefresh={props.onRefresh} />
              ) : kind === "at-risk" ? (
                <>
                  <Button onClick={props.onCommit} disabled={props.busy}>
                    Commit
                  </Button>
                  {state?.reports.some(isDirty) ? (
                    <Button onClick={props.onStash} disabled={props.busy}>
                      Stash
                    </Button>
                  ) : null}
                </>
              ) : null}
              <Button variant="danger" onClick={props.onForce} disabled={props.busy}>
                Force
              </Button>
            </div>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
