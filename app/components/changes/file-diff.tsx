"use client";

import { useMemo, useState, type ReactNode } from "react";
import { parseDiff, type DiffType, type ViewType } from "react-diff-view";
import type { DiffFile } from "@/server/schemas/diff";
import { Button } from "../ui/button";
import { COLLAPSE_LINES, STATUS_WORDS, TRUNCATE_LINES, fileAnchor, fileLabel, patchLineCount } from "./diff-files";
import { DiffLines, type LineClick } from "./diff-lines";
import type { LineRange, Side } from "./line-selection";

const DIFF_TYPES: Partial<Record<DiffFile["status"], DiffType>> = { added: "add", deleted: "delete", renamed: "rename", copied: "copy" };

export type FileReview = {
  selection: LineRange | null;
  widgets: Array<{ key: string; side: Side; line: number; node: ReactNode }>;
  onLineClick: (click: LineClick) => void;
};

/** The file's status, its +/- counts, and what kind of file it is, in words. */
export function FileFacts({ file }: { file: DiffFile }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5 text-xs">
      <span className="rounded bg-zinc-200 px-1.5 py-0.5 font-medium text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">{STATUS_WORDS[file.status]}</span>
      {file.binary ? <span className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900 dark:bg-amber-950 dark:text-amber-200">binary</span> : null}
      {file.symlink ? <span className="rounded bg-sky-100 px-1.5 py-0.5 text-sky-900 dark:bg-sky-950 dark:text-sky-200">symbolic link</span> : null}
      <span className="font-mono text-green-800 dark:text-green-300" aria-label={`${file.additions} added lines`}>
        +{file.additions}
      </span>
      <span className="font-mono text-red-800 dark:text-red-300" aria-label={`${file.deletions} removed lines`}>
        −{file.deletions}
      </span>
    </span>
  );
}

function FileBody({ file, lines, viewType, review }: { file: DiffFile; lines: number; viewType: ViewType; review?: FileReview }) {
  const [forced, setForced] = useState(false);
  const parsed = useMemo(() => (file.patch ? (parseDiff(file.patch)[0] ?? null) : null), [file.patch]);
  const note = "px-3 py-2 text-sm text-zinc-700 dark:text-zinc-300";
  if (file.binary) return <p className={note}>Binary file: its content is not shown.</p>;
  if (!parsed || parsed.hunks.length === 0) {
    return <p className={note}>{file.status === "mode-changed" ? "Only its mode changed (e.g. made executable): no line changed." : "No line changed."}</p>;
  }
  if (lines > TRUNCATE_LINES && !forced) {
    return (
      <p className={`${note} flex flex-wrap items-center gap-2`}>
        <span>
          Diff too large ({lines.toLocaleString("en")} lines) — not drawn yet.
        </span>
        <Button variant="secondary" className="min-h-7 px-2 py-0.5 text-xs" onClick={() => setForced(true)} aria-label={`Show anyway: the diff of ${file.path} (${lines} lines)`}>
          Show anyway
        </Button>
      </p>
    );
  }
  return (
    <>
      <DiffLines path={file.path} hunks={parsed.hunks} viewType={viewType} diffType={DIFF_TYPES[file.status]} {...(review ?? {})} />
      {file.truncated ? <p className={note}>This file's diff was cut short: it is too large to read whole.</p> : null}
    </>
  );
}

/**
 * One file of a change set: its header (path, status, +/-), collapsible, and its lines. Large
 * files start collapsed; `focused` (the file a link asked for) starts open.
 */
export function FileDiff({ file, viewType, focused = false, review }: { file: DiffFile; viewType: ViewType; focused?: boolean; review?: FileReview }) {
  const lines = useMemo(() => patchLineCount(file.patch), [file.patch]);
  const [open, setOpen] = useState(focused || lines <= COLLAPSE_LINES);
  const label = fileLabel(file);
  return (
    <section id={fileAnchor(file.path)} aria-label={`Diff of ${file.path}`} className="scroll-mt-2 rounded-md border border-zinc-200 dark:border-zinc-800">
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-2 py-1.5 dark:border-zinc-800 dark:bg-zinc-900">
        <Button
          variant="ghost"
          className="h-7 w-7 shrink-0 p-0"
          aria-expanded={open}
          aria-label={`${open ? "Collapse" : "Expand"} ${file.path}`}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden>{open ? "▾" : "▸"}</span>
        </Button>
        <h3 className="min-w-0 flex-1 font-mono text-sm break-all">{label}</h3>
        <FileFacts file={file} />
      </header>
      {open ? <FileBody file={file} lines={lines} viewType={viewType} review={review} /> : (
        <p className="px-3 py-1.5 text-xs text-zinc-700 dark:text-zinc-300">
          Collapsed ({lines.toLocaleString("en")} lines): expand it to read.
        </p>
      )}
    </section>
  );
}
