import { sessionEventStream } from "../../services/session/session-events";
import { publicProcedure, router } from "../init";

/**
 * What every open window follows (SSE through httpSubscriptionLink): session list changes and
 * which tabs are at work, so the sidebar and the tab strip update without a reload or a poll.
 */
export const sessionEventsRouter = router({
  onChange: publicProcedure.subscription(async function* ({ ctx, signal }) {
    yield* sessionEventStream({ db: ctx.db }, signal);
  }),
});
