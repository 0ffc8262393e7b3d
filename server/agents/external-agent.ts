import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { Db } from "../db";
import { externalAgentEnvironment } from "./agent-environment";
import type { ExternalAgentSettings } from "./agent-settings";
import { resolveChatDirectory } from "./chat-directory";
import type { ChatEvents } from "./chat-events";
import type { StoredPart, TaskStatus } from "./message-parts";
import { failTask, finishTask, isTerminal, markRunning, saveMessage } from "./task-records";

export type ExternalAgentResult = { exitCode: number | null; signal: string | null; cancelled: boolean; stderrTail: string };

/**
 * The prompt as a file only this user can read, in a private folder of its own: its path goes on
 * the command line, the prompt itself never does. Removed when the run ends.
 */
async function promptFile(prompt: string): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "boochat-prompt-"));
  const file = path.join(dir, "prompt.txt");
  await writeFile(file, prompt, { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Runs an external agent's command line (argv from the settings, never a shell) in `cwd`, with
 * the prompt on stdin or in a 0600 file whose path is the last argument, and an environment that
 * holds none of BooChat's secrets (agent-environment.ts). Output is handed over as it arrives.
 * Aborting kills the whole process group, so an agent that spawned helpers leaves none behind.
 */
export async function runExternalAgent(options: {
  agent: ExternalAgentSettings;
  prompt: string;
  cwd: string;
  signal?: AbortSignal;
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  killGraceMs?: number;
}): Promise<ExternalAgentResult> {
  const { agent, prompt, cwd, signal } = options;
  const [program, ...args] = agent.command;
  if (!program) throw new Error(`Agent ${agent.name} has no command`);
  const written = agent.prompt === "file" ? await promptFile(prompt) : null;
  const argv = written ? [...args, written.file] : args;
  const child = execa(program, argv, {
    cwd,
    env: externalAgentEnvironment(agent),
    extendEnv: false,
    input: agent.prompt === "stdin" ? prompt : undefined,
    stdin: agent.prompt === "stdin" ? undefined : "ignore",
    detached: true,
    reject: false,
    stripFinalNewline: false,
    encoding: "utf8",
    buffer: false,
  });

  let stderrTail = "";
  const decode = (stream: "stdout" | "stderr") => (chunk: Buffer | string) => {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (stream === "stderr") stderrTail = (stderrTail + text).slice(-500);
    options.onOutput(stream, text);
  };
  child.stdout?.on("data", decode("stdout"));
  child.stderr?.on("data", decode("stderr"));

  let cancelled = false;
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let escalate: NodeJS.Timeout | null = null;
  const onAbort = () => {
    cancelled = true;
    killGroup("SIGTERM");
    escalate = setTimeout(() => killGroup("SIGKILL"), options.killGraceMs ?? 2_000);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const result = await child;
    if (result.exitCode === undefined && !result.signal && !cancelled) {
      throw new Error(result.shortMessage || `${program} could not be started`);
    }
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      cancelled,
      stderrTail,
    };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (escalate) clearTimeout(escalate);
    // Helpers the agent left in its group go with it.
    killGroup("SIGKILL");
    await written?.remove();
  }
}

/** A task run by an external agent: its output streamed into one assistant message of the chat. */
export async function runExternalAgentTask(
  deps: { db: Db; events: ChatEvents; scratchDir: string },
  input: { taskId: string; agent: ExternalAgentSettings; signal: AbortSignal },
): Promise<TaskStatus> {
  const { db, events } = deps;
  const task = await db.task.findUnique({ where: { id: input.taskId } });
  if (!task?.chatId) {
    if (task) await failTask(db, events, task.id, "An external agent task needs a chat");
    return "failed";
  }
  if (isTerminal(task.status)) return task.status as TaskStatus;
  if (!(await markRunning(db, events, task))) return "cancelled";
  const chatId = task.chatId;

  const messageId = `ext_${task.id}`;
  const createdAt = new Date();
  const parts: StoredPart[] = [];
  let current: Extract<StoredPart, { type: "output" }> | null = null;
  let writing: Promise<void> | null = null;
  let dirty = false;
  const persist = (): Promise<void> => {
    if (writing) {
      dirty = true;
      return writing;
    }
    writing = (async () => {
      do {
        dirty = false;
        await saveMessage(db, { id: messageId, chatId, taskId: task.id, role: "assistant", parts, createdAt }).catch(() => undefined);
      } while (dirty);
    })().finally(() => {
      writing = null;
    });
    return writing;
  };
  const publishWhole = () =>
    events.publish(chatId, {
      type: "message",
      message: { id: messageId, chatId, taskId: task.id, role: "assistant", parts: parts.map((p) => ({ ...p })), createdAt: createdAt.toISOString() },
    });
  publishWhole();
  await persist();

  try {
    const directory = await resolveChatDirectory(db, chatId, deps.scratchDir);
    const result = await runExternalAgent({
      agent: input.agent,
      prompt: task.prompt,
      cwd: directory.path,
      signal: input.signal,
      onOutput(stream, text) {
        // Consecutive output of one stream is one part; a switch of stream starts a new one.
        if (!current || current.stream !== stream) {
          current = { id: `out_${randomBytes(6).toString("hex")}`, type: "output", stream, text: "" };
          parts.push(current);
        }
        current.text += text;
        events.publish(chatId, { type: "delta", messageId, partId: current.id, kind: "output", stream, delta: text });
        void persist();
      },
    });
    await persist();
    publishWhole();
    if (result.cancelled) {
      // The stop's own words ("Stopped: its tab was closed"), as for an opencode run.
      await finishTask(db, events, task.id, "cancelled", typeof input.signal.reason === "string" ? input.signal.reason : "Stopped");
      return "cancelled";
    }
    if (result.exitCode === 0) {
      await finishTask(db, events, task.id, "succeeded", null);
      return "succeeded";
    }
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    const lastLine = result.stderrTail.trim().split("\n").pop()?.trim();
    await failTask(db, events, task.id, `${input.agent.name} ${how}${lastLine ? `: ${lastLine}` : ""}`);
    return "failed";
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await failTask(db, events, task.id, `${input.agent.name} could not be started: ${reason}`);
    return "failed";
  }
}
