"use client";

import Link from "next/link";
import { ChatPanel } from "../chat/chat-panel";
import { Button } from "../ui/button";
import { ArenaEvidence, STATE_WORDS, type ArenaEntry } from "./arena-evidence";

/** One contestant's column: who it is, its branch and state, what it did (evidence), its chat, and Mark as winner. */
export function ArenaEntryColumn(props: { entry: ArenaEntry; won: boolean; marking: boolean; onMarkWinner: (chatId: string) => void }) {
  const { entry, won } = props;
  const chatId = entry.chatId;
  return (
    <div role="region" aria-label={`Arena entry ${entry.title}`} className={`flex min-h-0 flex-col bg-white dark:bg-zinc-950 ${won ? "ring-2 ring-emerald-500 ring-inset" : ""}`}>
      <header className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium">{entry.title}</p>
          <p className="truncate text-xs text-zinc-700 dark:text-zinc-300">
            <span className="font-mono">{entry.branch ?? "no worktree"}</span> · {entry.task ? (STATE_WORDS[entry.task.status] ?? entry.task.status) : "not started"} ·{" "}
            <Link href={`/sessions/${entry.sessionId}`} className="underline">
              open its session
            </Link>
          </p>
        </div>
        {won ? (
          <span role="status" className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
            Winner
          </span>
        ) : chatId ? (
          <Button variant="secondary" aria-label={`Mark ${entry.title} as winner`} disabled={props.marking} onClick={() => props.onMarkWinner(chatId)}>
            Mark as winner
          </Button>
        ) : null}
      </header>
      <ArenaEvidence entry={entry} />
      {chatId ? (
        <ChatPanel chatId={chatId} label={`Chat of ${entry.title}`} />
      ) : (
        <p className="p-3 text-sm text-zinc-700 dark:text-zinc-300">This entry's tab was closed; its work is still in its session's worktree.</p>
      )}
    </div>
  );
}
