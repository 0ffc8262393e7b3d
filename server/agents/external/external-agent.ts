import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { signalGroup, terminateGroup } from "../../lib/process-group.mjs";
import { externalAgentEnvironment } from "../agent-environment";
import type { ExternalAgentSettings } from "../agent-settings";

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
  /** Told the pid of the agent, the leader of its own process group (a host service records it). */
  onStart?: (pid: number) => void;
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

  if (child.pid !== undefined) options.onStart?.(child.pid);
  let stderrTail = "";
  const decode = (stream: "stdout" | "stderr") => (chunk: Buffer | string) => {
    const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (stream === "stderr") stderrTail = (stderrTail + text).slice(-500);
    options.onOutput(stream, text);
  };
  child.stdout?.on("data", decode("stdout"));
  child.stderr?.on("data", decode("stderr"));

  let cancelled = false;
  const escalation: { cancel?: () => void } = {};
  const onAbort = () => {
    cancelled = true;
    // SIGTERM to its group, SIGKILL after a grace period.
    if (child.pid !== undefined) escalation.cancel = terminateGroup(child.pid, options.killGraceMs ?? 2_000);
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
    escalation.cancel?.();
    // Helpers the agent left in its group go with it.
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    await written?.remove();
  }
}
