import type { BoochatClient, CliSettings } from "../client";
import type { CliIO } from "../io";
import type { ParsedCommand } from "../args";
import { watchTask } from "./watch";

type TaskCommand = Extract<ParsedCommand, { command: "task" }>;

/** `boochat task`: starts a generic task; prints its id (and chat, session), then watches with --watch. */
export async function runTask(client: BoochatClient, settings: CliSettings, command: TaskCommand, io: CliIO): Promise<number> {
  const started = await client.task.create.mutate({
    prompt: command.prompt,
    creator: "generic",
    ...(command.session ? { sessionId: command.session } : {}),
    ...(command.chat ? { chatId: command.chat } : {}),
    ...(command.agent ? { agent: command.agent } : {}),
    ...(command.model ? { model: command.model } : {}),
    ...(command.ref ? { ref: command.ref } : {}),
  });
  // With --watch, standard output is kept for the agent's answer.
  const out = command.watch ? io.stderr : io.stdout;
  if (command.json) {
    out.write(`${JSON.stringify({ taskId: started.taskId, chatId: started.chatId, sessionId: started.sessionId })}\n`);
  } else {
    const where = started.sessionId ? `chat ${started.chatId} of session ${started.sessionId}` : `chat ${started.chatId}`;
    out.write(`Task ${started.taskId} started in ${where}.\n`);
    if (!command.watch) out.write(`Follow it with: boochat watch ${started.taskId}\n`);
  }
  if (!command.watch) return 0;
  return watchTask(client, settings, started.taskId, io);
}
