"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { DiffFile } from "@/server/schemas/diff";
import { useTRPC } from "@/trpc/client";
import { FileDiff } from "../changes/file-diff";
import type { ArenaEntry } from "./arena-evidence";

const selectClass = "min-h-8 max-w-full rounded-md border border-zinc-400 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-950";

function EntryPicker({ label, entries, value, onChange }: { label: string; entries: ArenaEntry[]; value: string; onChange: (id: string) => void }) {
  const id = useId();
  return (
    <span className="inline-flex items-center gap-1.5">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <select id={id} className={selectClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {entries.map((e) => (
          <option key={e.sessionId} value={e.sessionId}>
            {e.title}
          </option>
        ))}
      </select>
    </span>
  );
}

/** One side of a file's row: its diff in that entry, or a line saying the entry left it alone. */
function Side({ file, title, path }: { file: DiffFile | undefined; title: string; path: string }) {
  return (
    <div role="group" aria-label={`${path} in ${title}`} className="min-w-0">
      {file ? <FileDiff file={file} viewType="unified" /> : <p className="rounded-md border border-dashed border-zinc-300 p-2 text-xs text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">Unchanged in {title}.</p>}
    </div>
  );
}

/**
 * Two entries' changes side by side, file by file (each against the arena's base, from
 * `worktree.diff` of the entry's session), drawn with the Changes view's diff.
 */
export function ArenaCompare({ entries }: { entries: ArenaEntry[] }) {
  const trpc = useTRPC();
  const withWork = entries.filter((e) => e.worktreePath !== null);
  const [left, setLeft] = useState(withWork[0]?.sessionId ?? "");
  const [right, setRight] = useState(withWork[1]?.sessionId ?? withWork[0]?.sessionId ?? "");
  const leftDiff = useQuery(trpc.worktree.diff.queryOptions({ sessionId: left }, { enabled: left !== "", retry: false }));
  const rightDiff = useQuery(trpc.worktree.diff.queryOptions({ sessionId: right }, { enabled: right !== "", retry: false }));
  const titleOf = (id: string) => entries.find((e) => e.sessionId === id)?.title ?? id;
  const paths = [...new Set([...(leftDiff.data?.files ?? []), ...(rightDiff.data?.files ?? [])].map((f) => f.path))].sort();
  const error = leftDiff.error?.message ?? rightDiff.error?.message ?? null;

  return (
    <section aria-label="Compare entries" className="min-h-0 flex-1 space-y-3 overflow-y-auto px-3 py-3 md:px-5">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <EntryPicker label="Left" entries={withWork} value={left} onChange={setLeft} />
        <EntryPicker label="Right" entries={withWork} value={right} onChange={setRight} />
      </div>
      {error ? <p role="alert" className="text-sm text-red-700 dark:text-red-300">The changes could not be read: {error}</p> : null}
      {leftDiff.isPending || rightDiff.isPending ? <p className="text-sm">Reading both entries' changes…</p> : null}
      {leftDiff.data && rightDiff.data && paths.length === 0 ? <p className="text-sm">Neither entry changed a file.</p> : null}
      {leftDiff.data && rightDiff.data
        ? paths.map((path) => (
            <div key={path} role="group" aria-label={`Compare ${path}`} className="grid grid-cols-1 gap-2 lg:grid-cols-2">
              <Side file={leftDiff.data.files.find((f) => f.path === path)} title={titleOf(left)} path={path} />
              <Side file={rightDiff.data.files.find((f) => f.path === path)} title={titleOf(right)} path={path} />
            </div>
          ))
        : null}
    </section>
  );
}
