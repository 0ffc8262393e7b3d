import { Collapsible } from "radix-ui";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/routers/_app";

export type ArenaData = inferRouterOutputs<AppRouter>["arena"]["get"];
export type ArenaEntry = ArenaData["entries"][number];

export const STATE_WORDS: Record<string, string> = { queued: "starting", running: "running", succeeded: "done", failed: "failed", cancelled: "stopped" };
const CHECK_WORDS: Record<string, string> = { passed: "passed", failed: "failed", "timed-out": "timed out", running: "running", "not-started": "could not start" };

/** "2 min 13 s", "48 s". */
export function durationWords(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The repository's own check: its status and exit code, and the end of its output (collapsed). */
function CheckResult({ check, title }: { check: NonNullable<NonNullable<ArenaEntry["evidence"]>["check"]>; title: string }) {
  const [open, setOpen] = useState(false);
  const failed = check.status === "failed" || check.status === "timed-out" || check.status === "not-started";
  return (
    <Collapsible.Root open={open} onOpenChange={setOpen}>
      <p className="flex flex-wrap items-center gap-2">
        <span className={failed ? "text-red-800 dark:text-red-300" : check.status === "passed" ? "text-green-800 dark:text-green-300" : ""}>
          Check {CHECK_WORDS[check.status] ?? check.status}
          {check.exitCode !== null ? ` (exit code ${check.exitCode})` : ""}
        </span>
        {check.tail ? (
          <Collapsible.Trigger className="min-h-6 rounded px-1 underline focus-visible:outline-2 focus-visible:outline-indigo-500" aria-label={`${open ? "Hide" : "Show"} the check's output for ${title}`}>
            {open ? "Hide output" : "Show output"}
          </Collapsible.Trigger>
        ) : null}
      </p>
      <Collapsible.Content>
        <pre tabIndex={0} aria-label={`The check's output for ${title}`} className="mt-1 max-h-48 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-900">
          {check.tail}
        </pre>
      </Collapsible.Content>
    </Collapsible.Root>
  );
}

/** "done · in 14 s · 1 file changed · +1 −0", as far as it is known. */
function evidenceWords(entry: ArenaEntry, state: string): string[] {
  const e = entry.evidence;
  const measuring = !e && entry.task && ["succeeded", "failed", "cancelled"].includes(entry.task.status);
  return [
    state,
    e?.durationMs != null ? `in ${durationWords(e.durationMs)}` : null,
    e?.filesChanged != null ? (e.filesChanged === 1 ? "1 file changed" : `${e.filesChanged} files changed`) : null,
    e?.additions != null && e.deletions != null ? `+${e.additions} −${e.deletions}` : null,
    measuring ? "measuring…" : null,
  ].filter((part): part is string => part !== null);
}

/** What an entry did: its state, time taken, files changed and +/-, and its check when the repository has one. */
export function ArenaEvidence({ entry }: { entry: ArenaEntry }) {
  const state = entry.task ? (STATE_WORDS[entry.task.status] ?? entry.task.status) : "not started";
  const e = entry.evidence;
  return (
    <div role="group" aria-label={`Evidence of ${entry.title}`} className="space-y-0.5 border-b border-zinc-200 px-3 py-1.5 text-xs dark:border-zinc-800">
      <p>{evidenceWords(entry, state).join(" · ")}</p>
      {entry.task?.status === "failed" && entry.task.error ? <p className="text-red-800 dark:text-red-300">{entry.task.error}</p> : null}
      {e?.error ? <p className="text-amber-800 dark:text-amber-300">Could not measure the changes: {e.error}</p> : null}
      {e?.check ? <CheckResult check={e.check} title={entry.title} /> : null}
    </div>
  );
}
