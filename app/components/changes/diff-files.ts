import type { DiffFile, DiffFileStatus } from "@/server/schemas/diff";
import type { HunkData } from "react-diff-view";

/** A file's status in words, as the file list and the file's header say it. */
export const STATUS_WORDS: Record<DiffFileStatus, string> = {
  added: "added",
  modified: "modified",
  deleted: "deleted",
  renamed: "renamed",
  copied: "copied",
  "mode-changed": "mode change",
  "type-changed": "type change",
};

/** A diff longer than this is not drawn until the user asks ("diff too large (N lines) — show anyway"). */
export const TRUNCATE_LINES = 1_000;
/** A file's diff longer than this starts collapsed: the list stays readable. */
export const COLLAPSE_LINES = 300;
/** Lines drawn per animation frame once a long diff is shown, so the page keeps answering. */
export const CHUNK_LINES = 250;

export function diffTotals(files: DiffFile[]): { files: number; additions: number; deletions: number } {
  return files.reduce((sum, f) => ({ files: sum.files + 1, additions: sum.additions + f.additions, deletions: sum.deletions + f.deletions }), {
    files: 0,
    additions: 0,
    deletions: 0,
  });
}

/** The lines a patch draws: every line of its hunks (context, added, removed). */
export function patchLineCount(patch: string): number {
  let count = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@")) inHunk = true;
    else if (inHunk && (line.startsWith(" ") || line.startsWith("+") || line.startsWith("-"))) count += 1;
  }
  return count;
}

/** "src/a.ts", or "old.ts → new.ts" for a rename or copy. */
export function fileLabel(file: Pick<DiffFile, "path" | "oldPath">): string {
  return file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ${file.path}` : file.path;
}

/** The id a file's section carries in the page, so `?file=` and the list can scroll to it. */
export function fileAnchor(path: string): string {
  let hash = 0;
  for (const char of path) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `file-${(hash >>> 0).toString(36)}`;
}

/**
 * The hunks cut into pieces of at most `size` lines, each its own object: drawn a few pieces per
 * frame, and a piece already drawn is never drawn again (react-diff-view memoises each hunk).
 */
export function chunkHunks(hunks: HunkData[], size = CHUNK_LINES): HunkData[] {
  const pieces: HunkData[] = [];
  for (const hunk of hunks) {
    if (hunk.changes.length <= size) {
      pieces.push(hunk);
      continue;
    }
    for (let start = 0; start < hunk.changes.length; start += size) {
      const changes = hunk.changes.slice(start, start + size);
      // Only the first piece keeps the hunk's header; the others continue it.
      pieces.push({ ...hunk, content: start === 0 ? hunk.content : "", changes });
    }
  }
  return pieces;
}

/** How many pieces hold the first `lines` lines (at least one). */
export function piecesForLines(pieces: HunkData[], lines: number): number {
  let total = 0;
  for (const [index, piece] of pieces.entries()) {
    total += piece.changes.length;
    if (total >= lines) return index + 1;
  }
  return pieces.length;
}
