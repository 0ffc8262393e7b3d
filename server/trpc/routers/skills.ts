import { z } from "zod";
import { agentsOf } from "../../agents/runtime";
import { idSchema } from "../../schemas/ids";
import { listSkills } from "../../services/skills/list-skills";
import { runSkill } from "../../services/skills/run-skill";
import { publicProcedure, router } from "../init";

export const skillsRouter = router({
  list: publicProcedure.input(z.object({ chatId: idSchema })).query(({ ctx, input }) => listSkills({ db: ctx.db, agents: agentsOf(ctx) }, input.chatId)),
  run: publicProcedure
    .input(
      z.object({
        chatId: idSchema,
        name: z.string().trim().min(1, "must not be empty").max(200),
        args: z.string().max(10_000).default(""),
      }),
    )
    .mutation(({ ctx, input }) => runSkill({ db: ctx.db, agents: agentsOf(ctx) }, input)),
});
