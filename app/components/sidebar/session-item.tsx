"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Collapsible } from "radix-ui";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { RunningMark, useActivity } from "../activity/activity-provider";
import { Button } from "../ui/button";
import { PencilIcon, TrashIcon } from "../ui/icons";
import { RenameDialog } from "../ui/rename-dialog";
import { RiskBadgeMark } from "./risk-badge";
import type { SessionRow } from "./session-row";
import type { RiskBadge } from "./use-risk-badges";

type DeleteRequest = (session: SessionRow, entries: SessionRow[]) => void;

/** A session, and under it (collapsed at first) the arena entry sessions it started; a row of the virtual list at `top`. */
export function SessionItem(props: {
  session: SessionRow;
  entries: SessionRow[];
  badges: Map<string, RiskBadge>;
  selectedId: string | null;
  deleting: boolean;
  onDelete: DeleteRequest;
  index: number;
  top: number;
  measureRef: (element: HTMLElement | null) => void;
}) {
  const { session, entries } = props;
  const activity = useActivity();
  // Open when one of its entries is the selected session, so the selection is never hidden.
  const [open, setOpen] = useState(() => entries.some((e) => e.id === props.selectedId));
  const entriesRunning = entries.filter((e) => activity.sessionRunning(e.id)).length;
  return (
    <li
      aria-label={session.title}
      data-index={props.index}
      ref={props.measureRef}
      className="absolute top-0 left-0 w-full pb-0.5"
      style={{ transform: `translateY(${props.top}px)` }}
    >
      <SessionLine session={session} badge={props.badges.get(session.id)} selected={session.id === props.selectedId} deleting={props.deleting} onDelete={() => props.onDelete(session, entries)} />
      {entries.length > 0 ? (
        <Collapsible.Root open={open} onOpenChange={setOpen}>
          <Collapsible.Trigger className="ml-3 inline-flex min-h-6 items-center gap-1 rounded px-2 py-0.5 text-xs text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:bg-zinc-800">
            {open ? "▾" : "▸"} {entries.length === 1 ? "1 arena entry" : `${entries.length} arena entries`}
            <span className="sr-only"> of {session.title}</span>
            {entriesRunning > 0 ? <RunningMark /> : null}
          </Collapsible.Trigger>
          <Collapsible.Content>
            <ul aria-label={`Arena entries of ${session.title}`} className="ml-4 space-y-0.5 border-l border-zinc-300 pl-1 dark:border-zinc-700">
              {entries.map((entry) => (
                <li key={entry.id} aria-label={entry.title}>
                  <SessionLine session={entry} badge={props.badges.get(entry.id)} selected={entry.id === props.selectedId} deleting={props.deleting} onDelete={() => props.onDelete(entry, [])} />
                </li>
              ))}
            </ul>
          </Collapsible.Content>
        </Collapsible.Root>
      ) : null}
    </li>
  );
}

function SessionLine(props: { session: SessionRow; badge: RiskBadge | undefined; selected: boolean; deleting: boolean; onDelete: () => void }) {
  const { session, selected } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const running = useActivity().sessionRunning(session.id);
  const [renaming, setRenaming] = useState(false);
  const rename = useMutation(
    trpc.session.rename.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() }),
    }),
  );

  return (
    <div className={`group flex items-center gap-0.5 rounded-md pr-1 ${selected ? "bg-indigo-100 dark:bg-indigo-950" : "hover:bg-zinc-200 dark:hover:bg-zinc-800"}`}>
      <Link href={`/sessions/${session.id}`} aria-current={selected ? "page" : undefined} className="min-w-0 flex-1 px-2 py-1.5">
        <span className="flex items-center gap-1.5">
          <span className="truncate text-sm font-medium">{session.title}</span>
          {running ? <RunningMark /> : null}
          <RiskBadgeMark badge={props.badge} />
        </span>
        <span className="block truncate text-xs text-zinc-700 dark:text-zinc-300">
          {session.worktree ? (session.worktree.branch ?? session.worktree.path) : "chat only"}
        </span>
      </Link>
      <Button variant="ghost" className="h-8 w-8 p-0" aria-label="Rename session" title="Rename session" onClick={() => setRenaming(true)}>
        <PencilIcon />
      </Button>
      <Button variant="ghost" className="h-8 w-8 p-0" aria-label="Delete session" title="Delete session" disabled={props.deleting} onClick={props.onDelete}>
        <TrashIcon />
      </Button>
      <RenameDialog
        open={renaming}
        onOpenChange={setRenaming}
        title="Rename session"
        label="Session title"
        initialValue={session.title}
        onRename={(title) => rename.mutateAsync({ id: session.id, title })}
      />
    </div>
  );
}
