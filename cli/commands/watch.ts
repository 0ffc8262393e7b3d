import type { BoochatClient, CliSettings } from "../client";
import type { CliIO } from "../io";
import { followRunningTask } from "./watch-follow";
import { TaskReply, TERMINAL } from "./watch-reply";

export { exitCodeOf } from "./watch-reply";

/**
 * Follows a task until it ends: live over `chat.events` (SSE), with `task.get` checked now and
 * then; when the stream stays broken, polling `task.get` and `chat.messages` instead. Resolves
 * to the exit code (0 succeeded, 2 failed, 3 cancelled, 130 Ctrl-C).
 */
export async function watchTask(client: BoochatClient, settings: CliSettings, taskId: string, io: CliIO): Promise<number> {
  const first = await client.task.get.query({ id: taskId });
  const reply = new TaskReply(client, taskId, first.chatId, io);
  // An ended task has nothing to follow: its stored reply is printed once.
  if (TERMINAL.has(first.status)) return reply.printFinal(first);
  return followRunningTask(client, settings, taskId, reply);
}
