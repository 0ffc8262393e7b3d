import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import { getTaskDetails } from "./get-task";
import type { TaskDetails } from "./task-details";

/** Stop pressed (or `task.cancel`): the agent stops, bounded; a queued task never starts. Returns the task as it ended. */
export async function cancelTask(deps: { db: Db; agents: AgentRuntime }, id: string): Promise<TaskDetails> {
  const task = await deps.db.task.findUnique({ where: { id }, select: { id: true } });
  if (!task) throw notFound("Task", id);
  await deps.agents.stopTasks([id], { reason: "Stopped" });
  return getTaskDetails(deps.db, id);
}
