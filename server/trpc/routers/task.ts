import { z } from "zod";
import { idSchema } from "../../schemas/ids";
import { publicProcedure, router } from "../init";
import { agentsOf } from "../../agents/runtime";

export const taskRouter = router({
  /** Status, error and chat id of one task. */
  get: publicProcedure.input(z.object({ id: idSchema })).query(({ ctx, input }) => agentsOf(ctx).getTask(input.id)),
});
