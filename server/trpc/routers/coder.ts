import { z } from "zod";
import { agentsOf } from "../../agents/runtime";
import { idSchema } from "../../schemas/ids";
import { listAgents } from "../../services/agent/list-agents";
import { sendMessage } from "../../services/chat/send-message";
import { cancelTask } from "../../services/task/cancel-task";
import { publicProcedure, router } from "../init";

const agentName = z.string().trim().min(1, "must not be empty").max(64, "is too long");

export const coderMessageInput = z.object({
  chatId: idSchema,
  text: z.string().trim().min(1, "must not be empty").max(100_000, "is too long"),
  agent: agentName.optional(),
  /** Another configured model, as "provider/model". */
  model: z.string().trim().min(3).max(200).optional(),
});

export const coderRouter = router({
  message: publicProcedure.input(coderMessageInput).mutation(({ ctx, input }) => sendMessage({ agents: agentsOf(ctx) }, input)),
  abort: publicProcedure.input(z.object({ taskId: idSchema })).mutation(({ ctx, input }) => cancelTask({ db: ctx.db, agents: agentsOf(ctx) }, input.taskId)),
  agents: publicProcedure.query(({ ctx }) => listAgents({ agents: agentsOf(ctx) })),
});
