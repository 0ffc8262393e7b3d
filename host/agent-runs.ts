import { randomUUID } from "node:crypto";
import { realpath } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { z } from "zod";
import { runExternalAgent, type ExternalAgentResult } from "../server/agents/external/external-agent";
import { HttpError } from "../sidecar/errors";
import type { GitContext } from "../sidecar/git/run";
import { resolveInsideRoot } from "../sidecar/risk/paths";
import { parseInput } from "../sidecar/routes/context";
import { absolutePath } from "../sidecar/routes/inputs";
import { requireListedWorktree } from "../sidecar/routes/worktree-target";
import { forgetAgentGroup, recordAgentGroup } from "./agent-leftovers";

/**
 * External agents on this host (docs/HOSTS.md, "External agents"): POST /v1/agents/run starts one in a
 * worktree under the root or a scratch folder of this host and streams what it prints as NDJSON lines
 * (`started`, `output`, `alive` as often as asked, then `exit` or `failed`); POST /v1/agents/stop
 * stops one. The agent's environment is the allowlist of agent-environment.ts: the host's token never
 * reaches it. A caller that goes away stops its agent: no agent outlives the request that runs it.
 */

const runInput = z.object({
  agent: z.object({
    name: z.string({ error: "must be a string" }).min(1, "must not be empty").max(200, "is too long"),
    command: z.array(z.string().min(1, "must not contain empty arguments")).min(1, "must name the program to run"),
    prompt: z.enum(["stdin", "file"], 'must be "stdin" or "file"'),
    env: z.record(z.string(), z.string(), { error: "must be an object of strings" }),
  }),
  prompt: z.string({ error: "must be a string" }).max(4 * 1024 * 1024, "is too long"),
  directory: absolutePath,
  /** How often to say `alive`: the web app asks for a third of its loss timeout. */
  heartbeatMs: z.number({ error: "must be a number" }).int("must be a whole number").min(100, "must be at least 100").max(60_000, "must be at most 60000").default(5_000),
});

const stopInput = z.object({ run: z.string({ error: "must be a string" }).uuid("must be a run id") });

/** One line of a run's stream (server/hosts/host-agent-run.ts reads them). */
export type AgentRunLine =
  | { type: "started"; run: string }
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "alive" }
  | ({ type: "exit" } & ExternalAgentResult)
  | { type: "failed"; message: string };

export type AgentRunsDeps = { git: GitContext; worktreeRoot: string; dataDir: string };

export function createAgentRuns(deps: AgentRunsDeps) {
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  /** Where an agent may run here: the top of a worktree under the root, or one of this host's scratch folders. */
  async function agentFolder(input: string): Promise<string> {
    const [real, scratchRoot] = await Promise.all([realpath(input).catch(() => null), realpath(path.join(deps.dataDir, "scratch")).catch(() => null)]);
    if (real !== null && scratchRoot !== null && path.dirname(real) === scratchRoot) return real;
    try {
      const target = await resolveInsideRoot(deps.worktreeRoot, input, "directory");
      await requireListedWorktree(deps.git, target);
      return target.real;
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 400) throw error;
      throw new HttpError(400, "invalid-input", `directory: ${input} is neither a worktree under this host's worktree root nor one of its scratch folders`);
    }
  }

  async function run(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> {
    const input = parseInput(runInput, body);
    const cwd = await agentFolder(input.directory);
    const id = randomUUID();
    const abort = new AbortController();
    let finished = false;
    let settle = () => {};
    running.set(id, { abort, done: new Promise<void>((resolve) => (settle = resolve)) });
    const send = (line: AgentRunLine) => {
      if (!res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
    };
    // The web app went away (stopped, lost the network): the agent must not go on alone.
    res.on("close", () => {
      if (!finished) abort.abort("the web app went away");
    });
    res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
    send({ type: "started", run: id });
    // Something every few seconds, so the web app tells a quiet agent from a lost host.
    const heartbeat = setInterval(() => send({ type: "alive" }), input.heartbeatMs);
    let pid: number | null = null;
    try {
      const result = await runExternalAgent({
        agent: input.agent,
        prompt: input.prompt,
        cwd,
        signal: abort.signal,
        onOutput: (stream, text) => send({ type: "output", stream, text }),
        onStart: (started) => {
          pid = started;
          recordAgentGroup(deps.dataDir, started);
        },
      });
      send({ type: "exit", ...result });
    } catch (error) {
      send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    } finally {
      finished = true;
      clearInterval(heartbeat);
      if (pid !== null) forgetAgentGroup(deps.dataDir, pid);
      running.delete(id);
      settle();
      res.end();
    }
  }

  /** Stops a run (its stream then ends with `exit`, `cancelled: true`); an unknown or ended run is no error. */
  function stop(body: unknown): { run: string; stopping: boolean } {
    const { run: id } = parseInput(stopInput, body);
    const found = running.get(id);
    found?.abort.abort("Stopped");
    return { run: id, stopping: found !== undefined };
  }

  /** For the host's own stop: every agent ended, then waited for. */
  async function stopAll(): Promise<void> {
    const all = [...running.values()];
    for (const { abort } of all) abort.abort("the host service is stopping");
    await Promise.all(all.map(({ done }) => done));
  }

  return { run, stop, stopAll };
}

export type AgentRuns = ReturnType<typeof createAgentRuns>;
