"use client";

import { useId } from "react";
import type { ViewType } from "react-diff-view";
import { Button } from "../ui/button";

/** "14:02:11": the time a snapshot was read, in the browser's clock. */
export const clockTime = (iso: string) => new Date(iso).toLocaleTimeString("en-GB", { hour12: false });

/**
 * What is shown and when it was read: only uncommitted or everything since the base, unified or
 * split, Refresh, and "as of 14:02:11" (while a refresh runs, the old time stays, marked so).
 */
export function ChangesToolbar(props: {
  takenAt: string | null;
  refreshing: boolean;
  uncommittedOnly: boolean;
  commitShown: boolean;
  viewType: ViewType;
  onUncommittedOnly: (value: boolean) => void;
  onViewType: (value: ViewType) => void;
  onRefresh: () => void;
}) {
  const toggleId = useId();
  const choice = "min-h-8 px-2 text-sm first:rounded-l-md last:rounded-r-md border border-zinc-300 dark:border-zinc-700 aria-pressed:bg-indigo-600 aria-pressed:text-white";
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      {props.commitShown ? null : (
        <span className="inline-flex items-center gap-1.5">
          <input id={toggleId} type="checkbox" className="h-4 w-4" checked={props.uncommittedOnly} onChange={(e) => props.onUncommittedOnly(e.target.checked)} />
          <label htmlFor={toggleId}>Only uncommitted</label>
        </span>
      )}
      <span role="group" aria-label="Diff layout" className="inline-flex">
        {(["unified", "split"] as const).map((value) => (
          <button key={value} type="button" aria-pressed={props.viewType === value} className={choice} onClick={() => props.onViewType(value)}>
            {value === "unified" ? "Unified" : "Split"}
          </button>
        ))}
      </span>
      <Button variant="secondary" className="min-h-8 px-2 py-0.5" disabled={props.refreshing} onClick={props.onRefresh}>
        {props.refreshing ? "Refreshing…" : "Refresh"}
      </Button>
      {props.takenAt ? (
        <span role="status" className="text-zinc-700 dark:text-zinc-300">
          as of <time dateTime={props.takenAt}>{clockTime(props.takenAt)}</time>
          {props.refreshing ? " (reading it again…)" : ""}
        </span>
      ) : null}
    </div>
  );
}
