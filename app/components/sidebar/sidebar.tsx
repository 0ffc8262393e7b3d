"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Collapsible } from "radix-ui";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { PencilIcon, TrashIcon } from "../ui/icons";
import { RenameDialog } from "../ui/rename-dialog";
import { ThemeToggle } from "../ui/theme-toggle";
import { useDeleteSessionFlow } from "../worktree/delete-session-flow";
import { OrphanList } from "../worktree/orphan-list";
import { CreateSessionDialog } from "./create-session-dialog";

type SessionRow = { id: string; title: string; worktree: { path: string; branch: string | null } | null; arenaOriginId: string | null };

/** Sessions at the top of the list, each with the arena entry sessions it started (shown under it). */
function groupArenaEntries(sessions: SessionRow[]): Array<{ session: SessionRow; entries: SessionRow[] }> {
  const ids = new Set(sessions.map((s) => s.id));
  const entriesOf = new Map<string, SessionRow[]>();
  for (const session of sessions) {
    if (session.arenaOriginId && ids.has(session.arenaOriginId)) {
      entriesOf.set(session.arenaOriginId, [...(entriesOf.get(session.arenaOriginId) ?? []), session]);
    }
  }
  return sessions
    .filter((s) => !(s.arenaOriginId && ids.has(s.arenaOriginId)))
    .map((session) => ({ session, entries: (entriesOf.get(session.id) ?? []).reverse() }));
}

export function Sidebar({ selectedId }: { selectedId: string | null }) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.session.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const deletion = useDeleteSessionFlow({ selectedId });

  return (
    <aside className="flex w-72 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center justify-between px-4 py-3">
        <Link href="/" className="text-lg font-bold tracking-tight">
          BooChat
        </Link>
        <ThemeToggle />
      </div>
      <div className="px-3 pb-3">
        <Button variant="primary" className="w-full" onClick={() => setCreating(true)}>
          New session
        </Button>
      </div>
      <nav aria-label="Sessions" className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
        {sessions.isPending ? (
          <p className="px-2 text-sm text-zinc-500">Loading sessions…</p>
        ) : sessions.isError ? (
          <p role="alert" className="px-2 text-sm text-red-700 dark:text-red-300">
            Could not load sessions: {sessions.error.message}
          </p>
        ) : sessions.data.length === 0 ? (
          <p className="px-2 text-sm text-zinc-600 dark:text-zinc-400">
            No sessions yet. Click “New session” to start one: give it a title, and a repository path if the agent should work in a git worktree.
          </p>
        ) : (
          <ul className="space-y-0.5">
            {groupArenaEntries(sessions.data).map(({ session, entries }) => (
              <SessionItem
                key={session.id}
                session={session}
                selectedId={selectedId}
                deleting={deletion.pending}
                onDelete={deletion.requestDelete}
                entries={entries}
              />
            ))}
          </ul>
        )}
        {deletion.standaloneError ? (
          <p role="alert" className="mt-2 rounded-md bg-red-50 px-2 py-1.5 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {deletion.standaloneError}
          </p>
        ) : null}
      </nav>
      <OrphanList />
      <CreateSessionDialog open={creating} onOpenChange={setCreating} />
      {deletion.dialog}
    </aside>
  );
}

/** A session, and under it (collapsed at first) the arena entry sessions it started. */
function SessionItem(props: {
  session: SessionRow;
  selectedId: string | null;
  deleting: boolean;
  onDelete: (session: SessionRow) => void;
  entries: SessionRow[];
}) {
  const { session, entries } = props;
  // Open when one of its entries is the selected session, so the selection is never hidden.
  const [open, setOpen] = useState(() => entries.some((e) => e.id === props.selectedId));
  return (
    <li aria-label={session.title}>
      <SessionLine session={session} selected={session.id === props.selectedId} deleting={props.deleting} onDelete={() => props.onDelete(session)} />
      {entries.length > 0 ? (
        <Collapsible.Root open={open} onOpenChange={setOpen}>
          <Collapsible.Trigger className="ml-3 rounded px-2 py-0.5 text-xs text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800">
            {open ? "▾" : "▸"} {entries.length === 1 ? "1 arena entry" : `${entries.length} arena entries`}
            <span className="sr-only"> of {session.title}</span>
          </Collapsible.Trigger>
          <Collapsible.Content>
            <ul aria-label={`Arena entries of ${session.title}`} className="ml-4 space-y-0.5 border-l border-zinc-300 pl-1 dark:border-zinc-700">
              {entries.map((entry) => (
                <li key={entry.id} aria-label={entry.title}>
                  <SessionLine
                    session={entry}
                    selected={entry.id === props.selectedId}
                    deleting={props.deleting}
                    onDelete={() => props.onDelete(entry)}
                  />
                </li>
              ))}
            </ul>
          </Collapsible.Content>
        </Collapsible.Root>
      ) : null}
    </li>
  );
}

function SessionLine(props: { session: SessionRow; selected: boolean; deleting: boolean; onDelete: () => void }) {
  const { session, selected } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const rename = useMutation(
    trpc.session.rename.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() }),
    }),
  );

  return (
    <div className={`group flex items-center gap-1 rounded-md pr-1 ${selected ? "bg-indigo-100 dark:bg-indigo-950" : "hover:bg-zinc-200 dark:hover:bg-zinc-800"}`}>
      <Link
        href={`/sessions/${session.id}`}
        aria-current={selected ? "page" : undefined}
        className="min-w-0 flex-1 px-2 py-1.5"
      >
        <span className="block truncate text-sm font-medium">{session.title}</span>
        <span className="block truncate text-xs text-zinc-500">
          {session.worktree ? (session.worktree.branch ?? session.worktree.path) : "chat only"}
        </span>
      </Link>
      <Button variant="ghost" className="px-1.5 text-xs" aria-label="Rename session" title="Rename session" onClick={() => setRenaming(true)}>
        <PencilIcon />
      </Button>
      <Button
        variant="ghost"
        className="px-1.5 text-xs"
        aria-label="Delete session"
        title="Delete session"
        disabled={props.deleting}
        onClick={props.onDelete}
      >
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
