import type { ChangeData, HunkData } from "react-diff-view";

export type Side = "old" | "new";

/** Lines chosen for a comment: one side of one file, `line` to `endLine` (1-based, inclusive). */
export type LineRange = { path: string; side: Side; line: number; endLine: number; anchor: number };

/**
 * The line a comment on this row is about: an added line and a context line by their new number,
 * a removed line by its old one (the server words that as "numbered as before the change").
 */
export function commentTarget(change: ChangeData): { side: Side; line: number } {
  if (change.type === "insert") return { side: "new", line: change.lineNumber };
  if (change.type === "delete") return { side: "old", line: change.lineNumber };
  return { side: "new", line: change.newLineNumber };
}

/** A click selects one line; a shift-click or a drag on the same file and side extends to it. */
export function selectLine(current: LineRange | null, path: string, target: { side: Side; line: number }, extend: boolean): LineRange {
  if (extend && current && current.path === path && current.side === target.side) {
    return { ...current, line: Math.min(current.anchor, target.line), endLine: Math.max(current.anchor, target.line) };
  }
  return { path, side: target.side, line: target.line, endLine: target.line, anchor: target.line };
}

export const inRange = (range: Pick<LineRange, "side" | "line" | "endLine">, target: { side: Side; line: number }) =>
  target.side === range.side && target.line >= range.line && target.line <= range.endLine;

/** "src/a.ts:3", or "src/a.ts:3-5" for a range. */
export function rangeLabel(range: { path: string; line: number; endLine?: number | null }): string {
  return range.endLine && range.endLine !== range.line ? `${range.path}:${range.line}-${range.endLine}` : `${range.path}:${range.line}`;
}

/** The row a target line is drawn on, or null when the diff does not show it. */
export function changeAt(hunks: HunkData[], target: { side: Side; line: number }): ChangeData | null {
  for (const hunk of hunks) {
    for (const change of hunk.changes) {
      const at = commentTarget(change);
      if (at.side === target.side && at.line === target.line) return change;
    }
  }
  return null;
}
