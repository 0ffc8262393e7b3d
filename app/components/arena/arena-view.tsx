"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { ChatStreamHub } from "../chat/chat-stream-hub";
import { Button } from "../ui/button";
import { ArenaCompare } from "./arena-compare";
import { ArenaEntryColumn } from "./arena-entry";
import { ArenaWinnerActions } from "./arena-winner-actions";

/**
 * An arena's entries side by side (their chats over ONE event stream), each with what it did; the
 * pick of a winner and what follows it; and Compare, two entries' changes file by file.
 */
export function ArenaView({ arenaId, onClose }: { arenaId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comparing, setComparing] = useState(false);
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
  const chatIds = entries.flatMap((e) => (e.chatId ? [e.chatId] : []));

  return (
    <section aria-label="Arena" className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-start gap-3 border-b border-zinc-200 px-3 py-2 md:px-5 dark:border-zinc-800">
        <p className="min-w-0 flex-1 text-sm">
          <span className="font-medium">Arena prompt:</span> <span className="whitespace-pre-wrap">{arena.data.prompt}</span>
        </p>
        <Button variant="secondary" aria-pressed={comparing} onClick={() => setComparing(!comparing)}>
          {comparing ? "Show the chats" : "Compare"}
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Back to tabs
        </Button>
      </div>
      {markWinner.error ? (
        <p role="alert" className="px-5 py-1 text-sm text-red-700 dark:text-red-300">
          {markWinner.error.message}
        </p>
      ) : null}
      <ArenaWinnerActions arena={arena.data} />
      {comparing ? (
        <ArenaCompare entries={entries} />
      ) : (
        <ChatStreamHub chatIds={chatIds}>
          {/* Side by side from 768 px on (scrolling sideways inside when they do not fit); one under another on a phone. */}
          <div className="grid min-h-0 flex-1 auto-rows-[minmax(24rem,1fr)] grid-cols-[minmax(0,1fr)] gap-px overflow-y-auto bg-zinc-200 md:auto-cols-[minmax(18rem,1fr)] md:auto-rows-auto md:grid-flow-col md:grid-cols-none md:overflow-x-auto md:overflow-y-hidden dark:bg-zinc-800">
            {entries.map((entry) => (
              <ArenaEntryColumn
                key={entry.sessionId}
                entry={entry}
                won={entry.chatId !== null && entry.chatId === winnerChatId}
                marking={markWinner.isPending}
                onMarkWinner={(chatId) => markWinner.mutate({ arenaId, chatId })}
              />
            ))}
          </div>
        </ChatStreamHub>
      )}
    </section>
  );
}
