"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { NewArenaDialog } from "../arena/new-arena-dialog";
import { Button } from "../ui/button";

type SessionData = {
  title: string;
  /** Where its worktree and agents are (docs/HOSTS.md). */
  host: string;
  worktree: { path: string; branch: string | null } | null;
  arena: { id: string; originSessionId: string; originTitle: string } | null;
};

const secondary = "text-xs text-zinc-700 dark:text-zinc-300";

/** Tabs or Changes: the two views of a session with a worktree, each its own address. */
function SessionViewLinks({ sessionId, view }: { sessionId: string; view: "tabs" | "changes" }) {
  const link =
    "inline-flex min-h-7 items-center rounded-md border border-zinc-300 px-2 font-medium hover:bg-zinc-100 aria-[current=page]:border-indigo-600 aria-[current=page]:bg-indigo-600 aria-[current=page]:text-white dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <nav aria-label="Session views" className="flex gap-1">
      <Link href={`/sessions/${sessionId}`} aria-current={view === "tabs" ? "page" : undefined} className={link}>
        Tabs
      </Link>
      <Link href={`/sessions/${sessionId}/changes`} aria-current={view === "changes" ? "page" : undefined} className={link}>
        Changes
      </Link>
    </nav>
  );
}

function HostName({ host }: { host: string }) {
  return (
    <span role="group" className="font-mono" aria-label="Host">
      {host}
    </span>
  );
}

/** The session's title, where its worktree is (path and host), and its arenas (New arena, one link per arena). */
export function SessionHeader(props: { sessionId: string; session: SessionData; view: "tabs" | "changes"; onOpenArena: (arenaId: string) => void }) {
  const { sessionId, session, onOpenArena } = props;
  const trpc = useTRPC();
  const [arenaDialogOpen, setArenaDialogOpen] = useState(false);
  const arenas = useQuery(trpc.arena.list.queryOptions({ sessionId }, { retry: false }));
  const { worktree } = session;
  return (
    <header className="border-b border-zinc-200 px-3 py-2 md:px-5 md:py-3 dark:border-zinc-800">
      <h1 className="truncate text-lg font-semibold">{session.title}</h1>
      {worktree ? (
        <p className={`${secondary} break-all`}>
          Branch{" "}
          <span role="group" className="font-mono" aria-label="Branch">
            {worktree.branch}
          </span>{" "}
          · worktree{" "}
          <span role="group" className="font-mono" aria-label="Worktree path">
            {worktree.path}
          </span>{" "}
          · host <HostName host={session.host} />
        </p>
      ) : (
        <p className={secondary}>
          Chat only: no repository attached · host <HostName host={session.host} />
        </p>
      )}
      {session.arena ? (
        <p className={secondary}>
          An entry of an arena started in{" "}
          <Link className="underline" href={`/sessions/${session.arena.originSessionId}?arena=${encodeURIComponent(session.arena.id)}`}>
            {session.arena.originTitle}
          </Link>
        </p>
      ) : null}
      {worktree ? (
        <div className="mt-1 flex flex-wrap items-center gap-2 text-xs">
          <SessionViewLinks sessionId={sessionId} view={props.view} />
          <Button variant="secondary" className="min-h-7 px-2 py-0.5 text-xs" onClick={() => setArenaDialogOpen(true)}>
            New arena
          </Button>
          {(arenas.data ?? []).map((arena, index, all) => (
            <button
              key={arena.id}
              type="button"
              className="min-h-7 rounded px-1 text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
              onClick={() => onOpenArena(arena.id)}
              title={arena.prompt}
            >
              Arena {all.length - index}
              {arena.winnerChatId ? " ✓" : ""}
            </button>
          ))}
          <NewArenaDialog
            sessionId={sessionId}
            branch={worktree.branch}
            open={arenaDialogOpen}
            onOpenChange={setArenaDialogOpen}
            onCreated={onOpenArena}
          />
        </div>
      ) : null}
    </header>
  );
}
