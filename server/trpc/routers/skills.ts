import { z } from "zod";
import { idSchema } from "../../schemas/ids";
import { publicProcedure, router } from "../init";
import { agentsOf } from "../../agents/runtime";

export const skillsRouter = router({
  list: publicProcedure.input(z.object({ chatId: idSchema })).query(({ ctx, input }) => agentsOf(ctx).listSkills(input.chatId)),
  run: publicProcedure
    .input(
      z.object({
        chatId: idSchema,
        name: z.string().trim().min(1, "must not be empty").max(200),
        args: z.string().max(10_000).default(""),
      }),
    )
    .mutation(({ ctx, input }) => agentsOf(ctx).runSkill(input)),
});
