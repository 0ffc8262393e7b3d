import type { Db } from "../../db";
import { notFound } from "../../errors";
import { outputsOf, toDetails, type TaskDetails } from "./task-details";

/** A task with its prompt, chat, session and the agent's output so far. */
export async function getTaskDetails(db: Db, id: string): Promise<TaskDetails> {
  const task = await db.task.findUnique({ where: { id } });
  if (!task) throw notFound("Task", id);
  const outputs = await outputsOf(db, [id]);
  return toDetails(task, outputs.get(id) ?? null);
}
