"use client";

import { Collapsible } from "radix-ui";
import { useState } from "react";
import type { RiskReport } from "@/server/schemas/risk-report";
import { Button } from "../ui/button";
import { FINISH_ORDER, finishStage, type FinishStage } from "./finish-stage";

export type FinishActions = {
  busy: string | null;
  error: string | null;
  /** The host's page for a new pull request, or (no link) why and what to do instead. */
  pullRequest: { url: string | null; reason: string } | null;
  onCommit: () => void;
  onPush: () => void;
  onRefresh: () => void;
  onDelete: () => void;
};

const STEP_NAMES: Record<FinishStage, string> = { uncommitted: "Commit", unpushed: "Push", unmerged: "Merge", merged: "Delete", unverified: "Check" };

function stepState(step: FinishStage, current: FinishStage): "done" | "current" | "to do" {
  if (current === "unverified") return "to do";
  const [a, b] = [FINISH_ORDER.indexOf(step), FINISH_ORDER.indexOf(current)];
  return a < b ? "done" : a === b ? "current" : "to do";
}

function StepButtons({ step, actions }: { step: FinishStage; actions: FinishActions }) {
  const busy = actions.busy !== null;
  const small = "min-h-7 px-2 py-0.5 text-xs";
  if (step === "uncommitted") return <Button className={small} disabled={busy} onClick={actions.onCommit}>Commit</Button>;
  if (step === "unpushed") return <Button className={small} disabled={busy} onClick={actions.onPush}>{actions.busy === "push" ? "Pushing…" : "Push"}</Button>;
  if (step === "unmerged") {
    return (
      <>
        {actions.pullRequest?.url ? (
          <a
            href={actions.pullRequest.url}
            target="_blank"
            rel="noopener"
            title={actions.pullRequest.reason}
            className={`inline-flex items-center rounded-md border border-zinc-300 bg-white font-medium text-zinc-900 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 ${small}`}
          >
            Open pull request
          </a>
        ) : null}
        <Button className={small} disabled={busy} onClick={actions.onRefresh}>{actions.busy === "refresh" ? "Refreshing…" : "Refresh"}</Button>
      </>
    );
  }
  return <Button variant="danger" className={small} disabled={busy} onClick={actions.onDelete}>Delete session</Button>;
}

/**
 * Where the session's branch stands (uncommitted, unpushed, unmerged, merged) and the next step,
 * with a button for each step: Commit, Push, Open pull request and Refresh, Delete session.
 */
export function FinishPanel({ report, checking, actions }: { report: RiskReport | null; checking: boolean; actions: FinishActions }) {
  const [open, setOpen] = useState(false);
  const stage = report ? finishStage(report) : null;
  return (
    <Collapsible.Root open={open} onOpenChange={setOpen} asChild>
      <section aria-label="Finish" className="border-b border-zinc-200 px-3 py-1.5 text-xs md:px-5 dark:border-zinc-800">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <Collapsible.Trigger className="inline-flex min-h-7 items-center gap-1 rounded px-1 font-semibold hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800">
            <span aria-hidden>{open ? "▾" : "▸"}</span> Finish
          </Collapsible.Trigger>
          <p role="status" className="min-w-0 flex-1 text-zinc-700 dark:text-zinc-300">
            {stage ? `${stage.words}. Next: ${stage.next}` : checking ? "Checking where the branch stands…" : ""}
            {checking && stage ? " (checking again…)" : ""}
          </p>
        </div>
        <Collapsible.Content>
          <ol aria-label="Steps to finish" className="mt-1 space-y-1">
            {(["uncommitted", "unpushed", "unmerged", "merged"] as const).map((step) => {
              const state = stage ? stepState(step, stage.stage) : "to do";
              return (
                <li key={step} aria-current={state === "current" ? "step" : undefined} className="flex flex-wrap items-center gap-2">
                  <span className={`w-16 font-medium ${state === "current" ? "text-indigo-700 dark:text-indigo-300" : ""}`}>{STEP_NAMES[step]}</span>
                  <span className="text-zinc-700 dark:text-zinc-300">{state === "done" ? "done" : state === "current" ? "next" : "later"}</span>
                  {state === "current" || (step === "merged" && stage?.stage === "merged") ? <StepButtons step={step} actions={actions} /> : null}
                  {step === "unmerged" && state === "current" && actions.pullRequest && !actions.pullRequest.url ? <span className="basis-full">{actions.pullRequest.reason}</span> : null}
                </li>
              );
            })}
          </ol>
          {stage?.stage === "unverified" ? <Button className="mt-1 min-h-7 px-2 py-0.5 text-xs" onClick={actions.onRefresh}>Refresh</Button> : null}
          {actions.error ? (
            <p role="alert" className="mt-1 rounded bg-red-50 px-2 py-1 text-red-800 dark:bg-red-950 dark:text-red-200">
              {actions.error}
            </p>
          ) : null}
        </Collapsible.Content>
      </section>
    </Collapsible.Root>
  );
}
