import { agentsOf } from "../../agents/runtime";
import { taskCreateInput, taskIdInput, taskListInput } from "../../schemas/task";
import { cancelTask } from "../../services/task/cancel-task";
import { createTask } from "../../services/task/create-task";
import { getTaskDetails } from "../../services/task/get-task";
import { listTasks } from "../../services/task/list-tasks";
import { publicProcedure, router } from "../init";

export const taskRouter = router({
  /** A task from a script, the CLI, an agent (new_task), the arena or MCP: its chat is resolved or made. */
  create: publicProcedure.input(taskCreateInput).mutation(({ ctx, input }) => createTask({ db: ctx.db, agents: agentsOf(ctx) }, input)),
  /** Status, error, prompt, chat, session and the agent's output so far. */
  get: publicProcedure.input(taskIdInput).query(({ ctx, input }) => getTaskDetails(ctx.db, input.id)),
  /** The tasks of one tab or one session, newest first. */
  list: publicProcedure.input(taskListInput).query(({ ctx, input }) => listTasks(ctx.db, input)),
  /** Stops a task (a queued one never starts); returns it as it ended. */
  cancel: publicProcedure.input(taskIdInput).mutation(({ ctx, input }) => cancelTask({ db: ctx.db, agents: agentsOf(ctx) }, input.id)),
});
