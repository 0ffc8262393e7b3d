"use client";

import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Diff, Hunk, getChangeKey, type DiffType, type GutterOptions, type HunkData, type HunkTokens, type ViewType } from "react-diff-view";
import "react-diff-view/style/index.css";
import { chunkHunks, piecesForLines, CHUNK_LINES } from "./diff-files";
import { languageOf } from "./diff-highlight";
import { changeAt, commentTarget, inRange, type LineRange, type Side } from "./line-selection";
import { useDiffTokens } from "./use-diff-tokens";

export type LineClick = { path: string; side: Side; line: number; extend: boolean };

/** Draws the pieces a few per frame until all are on the page: a 5,000-line diff never blocks it for long. */
function useProgressivePieces(pieces: HunkData[]): HunkData[] {
  const [count, setCount] = useState(() => piecesForLines(pieces, CHUNK_LINES * 2));
  useEffect(() => {
    if (count >= pieces.length) return;
    const frame = window.requestAnimationFrame(() => setCount((n) => n + 1));
    return () => window.cancelAnimationFrame(frame);
  }, [count, pieces.length]);
  return count >= pieces.length ? pieces : pieces.slice(0, count);
}

const NONE: string[] = [];
const NO_WIDGETS: Record<string, ReactNode> = {};

/** What one piece shows beyond its lines: the selected rows and the widgets that fall in it (shared empties otherwise, so it is not drawn again). */
function chunkExtras(piece: HunkData, selection: LineRange | null, widgetsByKey: Map<string, ReactNode[]>) {
  const selected = selection ? piece.changes.filter((c) => inRange(selection, commentTarget(c))).map(getChangeKey) : NONE;
  const widgets: Record<string, ReactNode> = {};
  for (const change of piece.changes) {
    const nodes = widgetsByKey.get(getChangeKey(change));
    if (nodes) widgets[getChangeKey(change)] = <div>{nodes}</div>;
  }
  return { selectedKey: selected.join(" "), widgets: Object.keys(widgets).length > 0 ? widgets : NO_WIDGETS };
}

/**
 * One piece of a file's lines as its own table (columns of fixed widths, so the pieces line up):
 * memoised, so drawing the next piece or selecting a line elsewhere leaves it alone.
 */
const DiffChunk = memo(function DiffChunk(props: {
  piece: HunkData;
  viewType: ViewType;
  diffType: DiffType;
  tokens: HunkTokens | null;
  renderGutter: (options: GutterOptions) => ReactNode;
  selectedKey: string;
  widgets: Record<string, ReactNode>;
}) {
  const hunks = useMemo(() => [props.piece], [props.piece]);
  const selected = useMemo(() => (props.selectedKey ? props.selectedKey.split(" ") : NONE), [props.selectedKey]);
  return (
    <Diff
      viewType={props.viewType}
      diffType={props.diffType}
      hunks={hunks}
      tokens={props.tokens}
      renderGutter={props.renderGutter}
      selectedChanges={selected}
      widgets={props.widgets}
      optimizeSelection
      className="boochat-diff"
    >
      {(shown) => shown.map((hunk) => <Hunk key={hunk.content || "piece"} hunk={hunk} />)}
    </Diff>
  );
});

function gutterName(path: string, side: Side, line: number): string {
  return side === "old" ? `Comment on ${path} removed line ${line}` : `Comment on ${path} line ${line}`;
}

/**
 * One file's lines (react-diff-view), unified or split, coloured when idle. With `onLineClick`,
 * each line number is a button: click to comment on it, shift-click or drag to take a range.
 */
export function DiffLines(props: {
  path: string;
  hunks: HunkData[];
  viewType: ViewType;
  selection?: LineRange | null;
  /** Rows under which something is shown (the comment form, comments), by the line they end on. */
  widgets?: Array<{ key: string; side: Side; line: number; node: ReactNode }>;
  diffType?: DiffType;
  onLineClick?: (click: LineClick) => void;
}) {
  const { path, hunks, onLineClick } = props;
  const pieces = useMemo(() => chunkHunks(hunks), [hunks]);
  const visible = useProgressivePieces(pieces);
  const tokens = useDiffTokens(hunks, languageOf(path), visible.length === pieces.length);
  const dragging = useRef(false);
  const clickRef = useRef(onLineClick);
  clickRef.current = onLineClick;

  useEffect(() => {
    const stop = () => (dragging.current = false);
    window.addEventListener("mouseup", stop);
    return () => window.removeEventListener("mouseup", stop);
  }, []);

  // Stable, so a new selection does not redraw every row's gutter.
  const renderGutter = useCallback(
    ({ change, side, renderDefault }: GutterOptions) => {
      const target = commentTarget(change);
      if (!clickRef.current || target.side !== side) return renderDefault();
      const click = (extend: boolean) => clickRef.current?.({ path, ...target, extend });
      return (
        <button
          type="button"
          aria-label={gutterName(path, target.side, target.line)}
          className="block w-full cursor-pointer text-right hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
          onMouseDown={(event) => {
            if (event.button !== 0) return;
            dragging.current = true;
            event.preventDefault();
            click(event.shiftKey);
          }}
          onMouseEnter={(event) => {
            if (dragging.current && event.buttons === 1) click(true);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              click(event.shiftKey);
            }
          }}
        >
          {target.line}
        </button>
      );
    },
    [path],
  );

  const selection = props.selection ?? null;
  const widgetsByKey = useMemo(() => {
    const byKey = new Map<string, ReactNode[]>();
    for (const widget of props.widgets ?? []) {
      const change = changeAt(hunks, widget);
      if (change) byKey.set(getChangeKey(change), [...(byKey.get(getChangeKey(change)) ?? []), <div key={widget.key}>{widget.node}</div>]);
    }
    return byKey;
  }, [hunks, props.widgets]);

  return (
    <div className="overflow-x-auto text-xs">
      {visible.map((piece, index) => (
        <DiffChunk
          key={index}
          piece={piece}
          viewType={props.viewType}
          diffType={props.diffType ?? "modify"}
          tokens={tokens}
          renderGutter={renderGutter}
          {...chunkExtras(piece, selection, widgetsByKey)}
        />
      ))}
      {visible.length < pieces.length ? (
        <p role="status" className="px-3 py-1 text-zinc-700 dark:text-zinc-300">
          Drawing the rest of the lines…
        </p>
      ) : null}
    </div>
  );
}
