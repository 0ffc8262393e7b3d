import { parseArgs, type ParseArgsConfig } from "node:util";
import { MODEL_REF_PATTERN } from "../server/schemas/model-ref";
import { CliError } from "./client";

/** Exit codes, as --help documents them. */
export const EXIT = { ok: 0, usage: 1, failed: 2, cancelled: 3, interrupted: 130 } as const;

type Options = NonNullable<ParseArgsConfig["options"]>;

const help = { help: { type: "boolean", short: "h" } } as const satisfies Options;
const json = { json: { type: "boolean" } } as const satisfies Options;

const taskOptions = {
  ...help,
  ...json,
  session: { type: "string", short: "s" },
  chat: { type: "string", short: "c" },
  agent: { type: "string", short: "a" },
  model: { type: "string", short: "m" },
  ref: { type: "string" },
  watch: { type: "boolean", short: "w" },
} as const satisfies Options;

const COMMANDS = {
  task: {
    options: taskOptions,
    summary: "start an agent task",
    usage: `Usage: boochat task "<prompt>" [options]

Starts a task: the agent works on the prompt in a chat of BooChat. Without --session or
--chat it gets a chat of its own; with --session it opens a new tab in that session (and
works in its worktree); with --chat it continues that tab. Prints the task id.

Options:
  -s, --session <id>     run in a new tab of this session (see boochat sessions)
  -c, --chat <id>        run in this existing chat (tab)
  -a, --agent <name>     the agent (default: opencode, or the tab's agent)
  -m, --model <p/m>      the model as provider/model
      --ref <ref>        your own reference: tasks with the same ref share one chat
  -w, --watch            then follow the run, as boochat watch does (same exit codes)
      --json             print {"taskId","chatId","sessionId"} as JSON
  -h, --help             show this help`,
  },
  sessions: {
    options: { ...help, ...json },
    summary: "list sessions",
    usage: `Usage: boochat sessions [--json]

Lists the sessions, newest first: id, title, worktree branch (if any), created.

Options:
      --json             print the sessions as JSON
  -h, --help             show this help`,
  },
  hosts: {
    options: { ...help, ...json },
    summary: "list the agent hosts and their state",
    usage: `Usage: boochat hosts [--json]

Lists the hosts BooChat runs worktrees and agents on (docs/HOSTS.md): name, whether it
answers, its worktrees, the tasks running there, its load (1-minute load per CPU) and
its opencode's state. Without BOOCHAT_HOSTS_FILE there is one host, local.

Options:
      --json             print the hosts as JSON
  -h, --help             show this help`,
  },
  watch: {
    options: { ...help },
    summary: "follow a task until it ends",
    usage: `Usage: boochat watch <taskId>

Follows a task live: the agent's text streams to standard output; tool calls (one line
each) and the final status go to standard error, so "boochat watch ID > answer.md" keeps
just the answer. Ctrl-C stops watching; the task keeps running (boochat cancel stops it).

Exit codes: 0 succeeded, 1 bad input / not found / cannot reach the app,
2 the task failed, 3 the task was cancelled, 130 stopped watching with Ctrl-C.

Options:
  -h, --help             show this help`,
  },
  cancel: {
    options: { ...help, ...json },
    summary: "stop a running task",
    usage: `Usage: boochat cancel <taskId> [--json]

Stops a queued or running task; a task that already ended keeps its status.

Options:
      --json             print the task as JSON
  -h, --help             show this help`,
  },
} as const;

export type CommandName = keyof typeof COMMANDS;
const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export const OVERALL_HELP = `boochat: the command line of BooChat

Usage: boochat <command> [options]

Commands:
${COMMAND_NAMES.map((name) => `  ${name.padEnd(10)} ${COMMANDS[name].summary}`).join("\n")}

Examples:
  boochat task "fix the flaky test" --session <id> --watch
  boochat sessions
  boochat watch <taskId>

Settings (environment):
  BOOCHAT_URL        the app (default http://127.0.0.1:3000)
  BOOCHAT_TOKEN      BooChat's API token (default: read from <BOOCHAT_DATA_DIR or ./data>/api-token)
  BOOCHAT_DATA_DIR   where that file is, when BOOCHAT_TOKEN is unset

Exit codes: 0 done (task succeeded), 1 bad input / not found / cannot reach the app,
2 task failed, 3 task cancelled, 130 stopped watching with Ctrl-C.

Run "boochat <command> --help" for a command's options.`;

export type ParsedCommand =
  | { command: "help"; text: string }
  | {
      command: "task";
      prompt: string;
      session?: string;
      chat?: string;
      agent?: string;
      model?: string;
      ref?: string;
      watch: boolean;
      json: boolean;
    }
  | { command: "sessions"; json: boolean }
  | { command: "hosts"; json: boolean }
  | { command: "watch"; taskId: string }
  | { command: "cancel"; taskId: string; json: boolean };

function isCommand(name: string): name is CommandName {
  return (COMMAND_NAMES as string[]).includes(name);
}

/** parseArgs's own errors are written for programmers; say which flag, and where to look. */
function parseFor<O extends Options>(name: CommandName, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? "?";
      throw new CliError(`Unknown option ${flag} for boochat ${name}. See boochat ${name} --help.`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const flag = /--[\w-]+/.exec(message)?.[0] ?? "an option";
      throw new CliError(`Option ${flag} of boochat ${name} needs a value. See boochat ${name} --help.`);
    }
    throw new CliError(`${message.split("\n")[0]} See boochat ${name} --help.`);
  }
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!trimmed) throw new CliError(`Option ${flag} must not be empty`);
  return trimmed;
}

function oneId(name: CommandName, positionals: string[], what: string): string {
  const [id, ...extra] = positionals;
  if (!id?.trim()) throw new CliError(`Missing the ${what}: boochat ${name} <${what.replace(" id", "Id")}>. See boochat ${name} --help.`);
  if (extra.length > 0) throw new CliError(`boochat ${name} takes one ${what}; extra arguments: ${extra.join(" ")}`);
  return id.trim();
}

/** The command line (without node and the script) → what to do; throws CliError on bad input. */
export function parseCommandLine(argv: string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") return { command: "help", text: OVERALL_HELP };
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) return { command: "help", text: OVERALL_HELP };
    if (!isCommand(topic)) throw new CliError(`Unknown command "${topic}". Commands: ${COMMAND_NAMES.join(", ")}.`);
    return { command: "help", text: COMMANDS[topic].usage };
  }
  if (first.startsWith("-")) throw new CliError(`Unknown option ${first}. Run boochat --help for the commands.`);
  if (!isCommand(first)) {
    throw new CliError(`Unknown command "${first}". Commands: ${COMMAND_NAMES.join(", ")}. Run boochat --help.`);
  }

  switch (first) {
    case "task": {
      const { values, positionals } = parseFor(first, rest, COMMANDS.task.options);
      if (values.help) return { command: "help", text: COMMANDS.task.usage };
      // Unquoted words are one prompt, as a shell user would mean it.
      const prompt = positionals.join(" ").trim();
      if (!prompt) throw new CliError(`Missing the prompt, e.g. boochat task "fix the flaky test". See boochat task --help.`);
      const model = nonEmpty(values.model, "--model");
      if (model !== undefined && !MODEL_REF_PATTERN.test(model)) {
        throw new CliError(`Option --model must be provider/model (e.g. openai/gpt-5), got "${model}"`);
      }
      return {
        command: "task",
        prompt,
        session: nonEmpty(values.session, "--session"),
        chat: nonEmpty(values.chat, "--chat"),
        agent: nonEmpty(values.agent, "--agent"),
        model,
        ref: nonEmpty(values.ref, "--ref"),
        watch: values.watch ?? false,
        json: values.json ?? false,
      };
    }
    case "sessions": {
      const { values, positionals } = parseFor(first, rest, COMMANDS.sessions.options);
      if (values.help) return { command: "help", text: COMMANDS.sessions.usage };
      if (positionals.length > 0) throw new CliError(`boochat sessions takes no arguments; extra arguments: ${positionals.join(" ")}`);
      return { command: "sessions", json: values.json ?? false };
    }
    case "hosts": {
      const { values, positionals } = parseFor(first, rest, COMMANDS.hosts.options);
      if (values.help) return { command: "help", text: COMMANDS.hosts.usage };
      if (positionals.length > 0) throw new CliError(`boochat hosts takes no arguments; extra arguments: ${positionals.join(" ")}`);
      return { command: "hosts", json: values.json ?? false };
    }
    case "watch": {
      const { values, positionals } = parseFor(first, rest, COMMANDS.watch.options);
      if (values.help) return { command: "help", text: COMMANDS.watch.usage };
      return { command: "watch", taskId: oneId(first, positionals, "task id") };
    }
    case "cancel": {
      const { values, positionals } = parseFor(first, rest, COMMANDS.cancel.options);
      if (values.help) return { command: "help", text: COMMANDS.cancel.usage };
      return { command: "cancel", taskId: oneId(first, positionals, "task id"), json: values.json ?? false };
    }
  }
}
