"use client";

import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { Button } from "../ui/button";
import { ThemeToggle } from "../ui/theme-toggle";
import { useDeleteSessionFlow } from "../worktree/delete-session-flow";
import { OrphanList } from "../worktree/orphan-list";
import { CleanupDialog } from "./cleanup-dialog";
import { CreateSessionDialog } from "./create-session-dialog";
import { SessionList } from "./session-list";

/** `listShown` is false while the sidebar is hidden (a phone showing a session): the session list then rests. */
export function Sidebar({ selectedId, listShown, className = "" }: { selectedId: string | null; listShown: boolean; className?: string }) {
  const [creating, setCreating] = useState(false);
  const [cleaning, setCleaning] = useState(false);
  const [search, setSearch] = useState("");
  // Typing stays quick: the list follows the words a moment later.
  const query = useDeferredValue(search);
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
      <div className="space-y-2 px-3 pb-3">
        <Button variant="primary" className="w-full" onClick={() => setCreating(true)}>
          New session
        </Button>
        <input
          type="search"
          aria-label="Search sessions"
          placeholder="Search sessions"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="w-full rounded-md border border-zinc-400 bg-white px-2 py-1 text-sm dark:border-zinc-600 dark:bg-zinc-950 focus-visible:outline-2 focus-visible:outline-indigo-500"
        />
      </div>
      <SessionList query={query} shown={listShown} selectedId={selectedId} deleting={deletion.pending} onDelete={deletion.requestDelete} />
      <div className="border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <Button variant="ghost" className="min-h-7 w-full px-2 py-0.5 text-xs" onClick={() => setCleaning(true)}>
          Clean up sessions
        </Button>
      </div>
      <OrphanList />
      <CreateSessionDialog open={creating} onOpenChange={setCreating} />
      <CleanupDialog open={cleaning} onOpenChange={setCleaning} />
      {deletion.dialog}
    </aside>
  );
}
