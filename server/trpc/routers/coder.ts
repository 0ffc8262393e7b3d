import { z } from "zod";
import { idSchema } from "../../schemas/ids";
import { publicProcedure, router } from "../init";
import { agentsOf } from "../../agents/runtime";

const agentName = z.string().trim().min(1, "must not be empty").max(64, "is too long");

export const coderMessageInput = z.object({
  chatId: idSchema,
  text: z.string().trim().min(1, "must not be empty").max(100_000, "is too long"),
  agent: agentName.optional(),
  /** Another configured model, as "provider/model". */
  model: z.string().trim().min(3).max(200).optional(),
});

export const coderRouter = router({
  message: publicProcedure.input(coderMessageInput).mutation(({ ctx, input }) => agentsOf(ctx).sendMessage(input)),
  abort: publicProcedure.input(z.object({ taskId: idSchema })).mutation(({ ctx, input }) => agentsOf(ctx).abort(input.taskId)),
  agents: publicProcedure.query(({ ctx }) => agentsOf(ctx).listAgents()),
});
