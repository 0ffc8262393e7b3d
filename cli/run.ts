import { EXIT, parseCommandLine } from "./args";
import { CliError, createBoochatClient, describeError, settingsFromEnv } from "./client";
import { runCancel } from "./commands/cancel";
import { runHosts } from "./commands/hosts";
import { runSessions } from "./commands/sessions";
import { runTask } from "./commands/task";
import { watchTask } from "./commands/watch";
import type { CliIO } from "./io";

/** Runs one command line; resolves to the exit code. Errors are printed as one line, never a stack. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let settings: ReturnType<typeof settingsFromEnv> | null = null;
  try {
    const command = parseCommandLine(argv);
    if (command.command === "help") {
      io.stdout.write(`${command.text}\n`);
      return EXIT.ok;
    }
    settings = settingsFromEnv(io.env);
    const client = createBoochatClient(settings);
    switch (command.command) {
      case "task":
        return await runTask(client, settings, command, io);
      case "sessions":
        return await runSessions(client, command.json, io);
      case "hosts":
        return await runHosts(client, command.json, io);
      case "watch":
        return await watchTask(client, settings, command.taskId, io);
      case "cancel":
        return await runCancel(client, command.taskId, command.json, io);
    }
  } catch (error) {
    const problem = error instanceof CliError || !settings ? error : describeError(error, settings);
    const message = problem instanceof Error ? problem.message : String(problem);
    io.stderr.write(`boochat: ${message}\n`);
    return problem instanceof CliError ? problem.exitCode : EXIT.usage;
  }
}
