import { z } from "zod";
import type { ExternalAgentResult } from "../agents/external/external-agent";
import type { ExternalAgentSettings } from "../agents/agent-settings";
import { hostHeaders, hostRefusal, hostServiceRequest, HostRequestError } from "./host-service-client";
import type { HostConfig } from "./hosts-config";

/**
 * An external agent run on a host service (host/agent-runs.ts): the same contract as
 * runExternalAgent beside the web app (output handed over as it arrives, a stop that ends the
 * agent's process group, the same result), over one streamed request to the host.
 */

const lineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("started"), run: z.string() }),
  z.object({ type: z.literal("output"), stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  z.object({ type: z.literal("alive") }),
  z.object({ type: z.literal("exit"), exitCode: z.number().nullable(), signal: z.string().nullable(), cancelled: z.boolean(), stderrTail: z.string() }),
  z.object({ type: z.literal("failed"), message: z.string() }),
]);
type RunLine = z.infer<typeof lineSchema>;

const stoppedSchema = z.object({ run: z.string(), stopping: z.boolean() });

/** The host went away while its agent ran (the connection ended, or it stayed silent too long). */
export class HostLostError extends HostRequestError {
  constructor(host: HostConfig, agent: string, how: string) {
    super(host, `was lost while ${agent} was running (${how}); the host stops the agent when it is back`);
    this.name = "HostLostError";
  }
}

/** The host could not start the agent (the program is missing there, say): its words. */
class AgentNotStarted extends Error {}

export type HostAgentRun = {
  agent: ExternalAgentSettings;
  prompt: string;
  /** The worktree or scratch folder on the host. */
  directory: string;
  signal?: AbortSignal;
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  /** Silence this long is a lost host (the host says `alive` three times as often). */
  lossTimeoutMs: number;
  fetch?: typeof fetch;
};

/** A quiet agent is not a lost host: the host says `alive` three times within the loss timeout (at most every 5 s). */
export const heartbeatFor = (lossTimeoutMs: number): number => Math.max(100, Math.min(5_000, Math.floor(lossTimeoutMs / 3)));

/** One NDJSON line of the host's stream; null for a line this version does not know. */
function parseLine(text: string): RunLine | null {
  try {
    const parsed = lineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A run stream's lines as they arrive; `heard` is told of every chunk (a heartbeat counts). Throws when the stream breaks. */
async function* linesOf(reader: ReadableStreamDefaultReader<Uint8Array>, heard: () => void): AsyncGenerator<RunLine> {
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const next = await reader.read();
    if (next.done) return;
    heard();
    pending += decoder.decode(next.value, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = parseLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (line) yield line;
    }
  }
}

/**
 * The request's lifetime: a silence deadline every chunk resets (past it the host is lost), and a
 * stop that asks the host, which ends the agent's group and answers `exit` with `cancelled`. A host
 * that cannot be asked sees the connection end instead, which stops the agent there too.
 */
function watchRun(host: HostConfig, options: HostAgentRun) {
  const connection = new AbortController();
  const state = { run: null as string | null, cancelled: false, lost: null as string | null, reader: null as ReadableStreamDefaultReader<Uint8Array> | null };
  let silence: NodeJS.Timeout | undefined;
  // Ends the request and the reading of its stream (whatever the transport makes of the abort).
  const hangUp = () => {
    connection.abort();
    state.reader?.cancel().catch(() => undefined);
  };
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(() => {
      state.lost = `it did not answer for ${Math.round(options.lossTimeoutMs / 1000)} s`;
      hangUp();
    }, options.lossTimeoutMs);
  };
  const stop = () => {
    state.cancelled = true;
    if (state.run === null) return hangUp();
    hostServiceRequest(host, "/v1/agents/stop", stoppedSchema, { body: { run: state.run }, timeoutMs: 10_000, fetch: options.fetch }).catch(hangUp);
  };
  const started = (run: string) => {
    state.run = run;
    // Stop was pressed before the host named the run: ask now.
    if (state.cancelled) stop();
  };
  heard();
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });
  const close = () => {
    clearTimeout(silence);
    options.signal?.removeEventListener("abort", stop);
    hangUp();
  };
  return { state, signal: connection.signal, heard, started, close };
}

/** POST /v1/agents/run: the open stream, or a refusal in words naming the host. */
async function requestRun(host: HostConfig, options: HostAgentRun, watch: ReturnType<typeof watchRun>): Promise<ReadableStream<Uint8Array> | "cancelled"> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${host.url}/v1/agents/run`, {
      method: "POST",
      headers: hostHeaders(host, true),
      body: JSON.stringify({ agent: options.agent, prompt: options.prompt, directory: options.directory, heartbeatMs: heartbeatFor(options.lossTimeoutMs) }),
      signal: watch.signal,
    });
  } catch {
    if (watch.state.cancelled) return "cancelled";
    throw new HostRequestError(host, watch.state.lost ? `did not answer within ${Math.round(options.lossTimeoutMs / 1000)} s` : "cannot be reached (is boochat-host running there?)");
  }
  if (!response.ok) throw await hostRefusal(host, `POST /v1/agents/run (${options.agent.name})`, response);
  if (response.body === null) throw new HostRequestError(host, "answered POST /v1/agents/run without a stream");
  return response.body;
}

export async function runExternalAgentOnHost(host: HostConfig, options: HostAgentRun): Promise<ExternalAgentResult> {
  const watch = watchRun(host, options);
  const { state } = watch;
  let stderrTail = "";
  const cancelledResult = (): ExternalAgentResult => ({ exitCode: null, signal: null, cancelled: true, stderrTail });
  try {
    const body = await requestRun(host, options, watch);
    if (body === "cancelled") return cancelledResult();
    state.reader = body.getReader();
    try {
      for await (const line of linesOf(state.reader, watch.heard)) {
        if (line.type === "started") watch.started(line.run);
        if (line.type === "output") {
          if (line.stream === "stderr") stderrTail = (stderrTail + line.text).slice(-500);
          options.onOutput(line.stream, line.text);
        }
        if (line.type === "exit") return { exitCode: line.exitCode, signal: line.signal, cancelled: line.cancelled || state.cancelled, stderrTail: line.stderrTail };
        if (line.type === "failed") throw new AgentNotStarted(line.message);
      }
    } catch (error) {
      if (error instanceof AgentNotStarted) throw error;
      // Anything else is the stream breaking (reset, abort): the host is lost unless we hung up.
      state.lost ??= "the connection broke";
    }
    // Stopped here, and the host could not be asked: the closed connection stopped the agent there.
    if (state.cancelled) return cancelledResult();
    throw new HostLostError(host, options.agent.name, state.lost ?? "the connection ended");
  } finally {
    watch.close();
  }
}
