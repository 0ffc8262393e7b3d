import { tracked } from "@trpc/server";
import { z } from "zod";
import { idSchema } from "../../schemas/ids";
import { publicProcedure } from "../init";
import { agentsOf } from "../../agents/runtime";

/**
 * The chat's messages and its live events; the lead spreads these into the chat router.
 * `events` is a subscription (SSE through httpSubscriptionLink): every event is `tracked` with its
 * id, so a reconnecting browser sends `lastEventId` and resumes where it left off.
 */
export const chatStreamProcedures = {
  messages: publicProcedure.input(z.object({ chatId: idSchema })).query(({ ctx, input }) => agentsOf(ctx).listMessages(input.chatId)),
  events: publicProcedure
    .input(z.object({ chatId: idSchema, lastEventId: z.string().max(100).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const agents = agentsOf(ctx);
      for await (const { id, event } of agents.subscribe(input.chatId, input.lastEventId ?? null, signal)) {
        yield tracked(id, event);
      }
    }),
};
