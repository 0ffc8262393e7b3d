"use client";

import Link from "next/link";
import { SessionView } from "./session/session-view";
import { Sidebar } from "./sidebar/sidebar";

/**
 * Two panes side by side from 768 px on: sessions on the left, the selected session (or what to
 * do) on the right. Narrower (a phone), one pane at a time: the session list on the home page,
 * the session on its own page with a way back to the list.
 */
export function AppShell({ sessionId }: { sessionId: string | null }) {
  return (
    <div className="flex h-dvh w-full overflow-hidden">
      <Sidebar selectedId={sessionId} className={sessionId ? "hidden md:flex" : "flex"} />
      {/* On a phone's home page the list fills the screen; the empty state stays for screen readers (one main, one h1). */}
      <main className={`flex min-w-0 flex-1 flex-col ${sessionId ? "" : "max-md:sr-only"}`}>
        {sessionId ? (
          <>
            <nav aria-label="Back" className="border-b border-zinc-200 px-3 py-1.5 md:hidden dark:border-zinc-800">
              <Link href="/" className="inline-flex min-h-8 items-center rounded px-2 text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
                ← All sessions
              </Link>
            </nav>
            <SessionView sessionId={sessionId} />
          </>
        ) : (
          <div className="m-auto max-w-md p-8 text-center text-zinc-600 dark:text-zinc-400">
            <h1 className="mb-2 text-xl font-semibold text-zinc-900 dark:text-zinc-100">No session selected</h1>
            <p>Pick a session from the list, or create one with “New session”. A session can work in its own git worktree of one of your repositories.</p>
          </div>
        )}
      </main>
    </div>
  );
}
