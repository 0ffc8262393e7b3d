import { tracked } from "@trpc/server";
import { z } from "zod";
import { agentsOf } from "../../agents/runtime";
import { idSchema } from "../../schemas/ids";
import { followChat } from "../../services/chat/follow-chat";
import { listMessages } from "../../services/chat/list-messages";
import { publicProcedure } from "../init";

/**
 * The chat's messages and its live events; the chat router spreads these in.
 * `events` is a subscription (SSE through httpSubscriptionLink): every event is `tracked` with its
 * id, so a reconnecting browser sends `lastEventId` and resumes where it left off.
 */
export const chatStreamProcedures = {
  messages: publicProcedure.input(z.object({ chatId: idSchema })).query(({ ctx, input }) => listMessages(ctx.db, input.chatId)),
  events: publicProcedure
    .input(z.object({ chatId: idSchema, lastEventId: z.string().max(100).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const { id, event } of followChat({ agents: agentsOf(ctx) }, input.chatId, input.lastEventId ?? null, signal)) {
        yield tracked(id, event);
      }
    }),
};
