import type { BoochatClient } from "../client";
import type { CliIO } from "../io";

/** `boochat cancel`: stops a task and says where it ended. */
export async function runCancel(client: BoochatClient, taskId: string, json: boolean, io: CliIO): Promise<number> {
  const task = await client.task.cancel.mutate({ id: taskId });
  if (json) io.stdout.write(`${JSON.stringify(task)}\n`);
  else if (task.status === "cancelled") io.stdout.write(`Task ${task.id} cancelled.\n`);
  else io.stdout.write(`Task ${task.id} had already ended: ${task.status}.\n`);
  return 0;
}
