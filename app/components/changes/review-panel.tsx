"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { FormError } from "../ui/dialog-frame";
import { useNotifications } from "../ui/notifications";
import { rangeLabel } from "./line-selection";
import type { ReviewCommentRow } from "./review-widgets";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The review so far: the pending comments (each a link to its lines) and Send to agent, which
 * posts them all as one message to the chosen tab; sent ones are counted apart.
 */
export function ReviewPanel({ sessionId, comments }: { sessionId: string; comments: ReviewCommentRow[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useNotifications();
  const selectId = useId();
  const chats = useQuery(trpc.chat.list.queryOptions({ sessionId }, { retry: false }));
  const [chosen, setChosen] = useState("");
  const tabs = chats.data ?? [];
  const chatId = tabs.some((t) => t.id === chosen) ? chosen : (tabs[0]?.id ?? "");
  const pending = comments.filter((c) => c.sentAt === null);
  const sent = comments.length - pending.length;
  const send = useMutation(
    trpc.review.send.mutationOptions({
      onSuccess: async (answer) => {
        const tab = tabs.find((t) => t.id === chatId);
        notify({ title: `Sent ${plural(answer.sent, "comment", "comments")} to the agent`, body: `One message in “${tab?.title ?? "the tab"}”; its agent is working on it.` });
        await queryClient.invalidateQueries({ queryKey: trpc.review.comments.queryKey({ sessionId }) });
      },
    }),
  );

  return (
    <section aria-labelledby={`${selectId}-heading`} className="space-y-2 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <h2 id={`${selectId}-heading`} className="font-semibold">
        Review
      </h2>
      {pending.length === 0 ? (
        <p className="text-zinc-700 dark:text-zinc-300">No pending comments. Click a line number in a diff to comment on that line (shift-click or drag for a range).</p>
      ) : (
        <ul aria-label="Pending comments" className="space-y-1">
          {pending.map((c) => (
            <li key={c.id} className="break-words">
              <span className="font-mono">{rangeLabel(c)}</span>: {c.body}
            </li>
          ))}
        </ul>
      )}
      {sent > 0 ? <p className="text-xs text-zinc-700 dark:text-zinc-300">{plural(sent, "comment was", "comments were")} already sent.</p> : null}
      {pending.length > 0 ? (
        <div className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor={selectId} className="mb-1 block text-xs font-medium">
              Send to tab
            </label>
            <select id={selectId} value={chatId} onChange={(e) => setChosen(e.target.value)} className="min-h-8 rounded-md border border-zinc-400 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-950">
              {tabs.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>
          </div>
          <Button variant="primary" disabled={send.isPending || !chatId} onClick={() => send.mutate({ sessionId, chatId })}>
            {send.isPending ? "Sending…" : "Send to agent"}
          </Button>
          {tabs.length === 0 && chats.isSuccess ? <p className="text-xs">Open a tab first: the comments go to its agent.</p> : null}
        </div>
      ) : null}
      <FormError message={send.error?.message ?? null} />
      {send.data ? (
        <p role="status" className="text-xs text-green-800 dark:text-green-300">
          Sent {plural(send.data.sent, "comment", "comments")} as one message.{" "}
          <Link className="underline" href={`/sessions/${sessionId}?tab=${encodeURIComponent(chatId)}`}>
            Open the tab
          </Link>
        </p>
      ) : null}
    </section>
  );
}
