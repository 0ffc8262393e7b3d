import { tracked } from "@trpc/server";
import { z } from "zod";
import type { ChatEvent } from "../../schemas/chat-event";
import { agentsOf } from "../../agents/runtime";
import { idSchema } from "../../schemas/ids";
import { followChat } from "../../services/chat/follow-chat";
import { publicProcedure } from "../init";

/** The most chats one `eventsOf` follows: an arena's entries (at most 6). */
export const MAX_FOLLOWED_CHATS = 6;

type Tagged = { id: string; chatId: string; event: ChatEvent };

/**
 * Several chats' live events over ONE event stream (the arena view follows all its entries this
 * way): browsers hold at most 6 HTTP/1.1 connections per host, and one stream per tab stalled an
 * arena of six. Event ids increase over all chats of this process, so one `lastEventId` resumes
 * every chat, and events are sent in id order.
 */
export const chatStreamsManyProcedures = {
  eventsOf: publicProcedure
    .input(
      z.object({
        chatIds: z.array(idSchema).min(1, "must name at least one chat").max(MAX_FOLLOWED_CHATS, `must name at most ${MAX_FOLLOWED_CHATS} chats`),
        lastEventId: z.string().max(100).nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const agents = agentsOf(ctx);
      const queue: Tagged[] = [];
      const waiting: { wake: (() => void) | null } = { wake: null };
      let open = 0;
      // Ends every chat's subscription when this stream ends, whoever ends it (the client, or an error).
      const stop = new AbortController();
      const until = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
      const streams = [...new Set(input.chatIds)].map((chatId) => ({ chatId, events: followChat({ agents }, chatId, input.lastEventId ?? null, until) }));
      for (const { chatId, events } of streams) {
        open += 1;
        void (async () => {
          try {
            for await (const { id, event } of events) {
              queue.push({ id, chatId, event });
              waiting.wake?.();
            }
          } finally {
            open -= 1;
            waiting.wake?.();
          }
        })();
      }
      try {
        while (!until.aborted && (open > 0 || queue.length > 0)) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => (waiting.wake = resolve));
            waiting.wake = null;
            continue;
          }
          // Ids are `<boot>.<n>` with n zero-padded: text order is publish order.
          const batch = queue.splice(0).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          for (const { id, chatId, event } of batch) yield tracked(id, { chatId, event });
        }
      } finally {
        stop.abort();
      }
    }),
};
