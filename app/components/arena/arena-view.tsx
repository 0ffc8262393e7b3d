"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/trpc/client";
import { ChatPanel } from "../chat/chat-panel";
import { Button } from "../ui/button";

const STATUS_WORDS: Record<string, string> = { queued: "starting", running: "running", succeeded: "done", failed: "failed", cancelled: "stopped" };

/** An arena's entries side by side: each entry session's tab, branch and status, and the pick of a winner. */
export function ArenaView({ arenaId, onClose }: { arenaId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const arena = useQuery(trpc.arena.get.queryOptions({ id: arenaId }, { retry: false, refetchInterval: 3_000 }));
  const markWinner = useMutation(
    trpc.arena.markWinner.mutationOptions({
      onSuccess: (updated) => queryClient.setQueryData(trpc.arena.get.queryKey({ id: arenaId }), updated),
    }),
  );

  if (arena.isError) {
    return (
      <p role="alert" className="m-5 text-sm text-red-700 dark:text-red-300">
        The arena could not be loaded: {arena.error.message}
      </p>
    );
  }
  if (arena.isPending) return <p className="p-5 text-sm text-zinc-700 dark:text-zinc-300">Loading arena…</p>;
  const { entries, winnerChatId } = arena.data;

  return (
    <section aria-label="Arena" className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-start gap-3 border-b border-zinc-200 px-3 py-2 md:px-5 dark:border-zinc-800">
        <p className="min-w-0 flex-1 text-sm">
          <span className="font-medium">Arena prompt:</span> <span className="whitespace-pre-wrap">{arena.data.prompt}</span>
        </p>
        <Button variant="ghost" onClick={onClose}>
          Back to tabs
        </Button>
      </div>
      {markWinner.error ? (
        <p role="alert" className="px-5 py-1 text-sm text-red-700 dark:text-red-300">
          {markWinner.error.message}
        </p>
      ) : null}
      {/* Side by side from 768 px on (scrolling sideways inside when they do not fit); one under another on a phone. */}
      <div
        className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)] auto-rows-[minmax(28rem,1fr)] gap-px overflow-y-auto bg-zinc-200 md:grid-flow-col md:grid-cols-none md:auto-cols-[minmax(18rem,1fr)] md:auto-rows-auto md:overflow-x-auto md:overflow-y-hidden dark:bg-zinc-800"
      >
        {entries.map((entry) => {
          const won = entry.chatId !== null && entry.chatId === winnerChatId;
          const chatId = entry.chatId;
          return (
            <div
              key={entry.sessionId}
              role="region"
              aria-label={`Arena entry ${entry.title}`}
              className={`flex min-h-0 flex-col bg-white dark:bg-zinc-950 ${won ? "ring-2 ring-inset ring-emerald-500" : ""}`}
            >
              <header className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{entry.title}</p>
                  <p className="truncate text-xs text-zinc-700 dark:text-zinc-300">
                    <span className="font-mono">{entry.branch ?? "no worktree"}</span> · {entry.task ? STATUS_WORDS[entry.task.status] ?? entry.task.status : "not started"} ·{" "}
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
                  <Button
                    variant="secondary"
                    aria-label={`Mark ${entry.title} as winner`}
                    disabled={markWinner.isPending}
                    onClick={() => markWinner.mutate({ arenaId, chatId })}
                  >
                    Mark as winner
                  </Button>
                ) : null}
              </header>
              {chatId ? (
                <ChatPanel chatId={chatId} label={`Chat of ${entry.title}`} />
              ) : (
                <p className="p-3 text-sm text-zinc-700 dark:text-zinc-300">This entry's tab was closed; its work is still in its session's worktree.</p>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
