"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { ThemeToggle } from "../ui/theme-toggle";
import { useDeleteSessionFlow } from "../worktree/delete-session-flow";
import { OrphanList } from "../worktree/orphan-list";
import { CreateSessionDialog } from "./create-session-dialog";
import { SessionItem } from "./session-item";
import { groupArenaEntries } from "./session-row";

export function Sidebar({ selectedId, className = "" }: { selectedId: string | null; className?: string }) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.session.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const deletion = useDeleteSessionFlow({ selectedId });

  return (
    <aside
      aria-label="Sessions and worktrees"
      className={`w-full shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 md:w-72 dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
    >
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
          <p className="px-2 text-sm text-zinc-700 dark:text-zinc-300">Loading sessions…</p>
        ) : sessions.isError ? (
          <p role="alert" className="px-2 text-sm text-red-700 dark:text-red-300">
            Could not load sessions: {sessions.error.message}
          </p>
        ) : sessions.data.length === 0 ? (
          <p className="px-2 text-sm text-zinc-700 dark:text-zinc-300">
            No sessions yet. Click “New session” to start one: give it a title, and a repository path if the agent should work in a git worktree.
          </p>
        ) : (
          <ul className="space-y-0.5">
            {groupArenaEntries(sessions.data).map(({ session, entries }) => (
              <SessionItem
                key={session.id}
                session={session}
                entries={entries}
                selectedId={selectedId}
                deleting={deletion.pending}
                onDelete={(target, targetEntries) => deletion.requestDelete({ ...target, entryCount: targetEntries.length })}
              />
            ))}
          </ul>
        )}
      </nav>
      <OrphanList />
      <CreateSessionDialog open={creating} onOpenChange={setCreating} />
      {deletion.dialog}
    </aside>
  );
}
