"use client";

import { SessionView } from "./session/session-view";
import { Sidebar } from "./sidebar/sidebar";

/** The two-pane layout: sessions on the left, the selected session (or what to do) on the right. */
export function AppShell({ sessionId }: { sessionId: string | null }) {
  return (
    <div className="flex h-screen">
      <Sidebar selectedId={sessionId} />
      <main className="flex min-w-0 flex-1 flex-col">
        {sessionId ? (
          <SessionView sessionId={sessionId} />
        ) : (
          <div className="m-auto max-w-md p-8 text-center text-zinc-600 dark:text-zinc-400">
            <h1 className="mb-2 text-xl font-semibold text-zinc-900 dark:text-zinc-100">No session selected</h1>
            <p>Pick a session on the left, or create one with “New session”. A session can work in its own git worktree of one of your repositories.</p>
          </div>
        )}
      </main>
    </div>
  );
}
