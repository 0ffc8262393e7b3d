import { z } from "zod";
import type { ExternalAgentResult } from "../agents/external/external-agent";
import type { ExternalAgentSettings } from "../agents/agent-settings";
import { hostServiceRequest, HostRequestError } from "./host-service-client";
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
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

/** The host went away while its agent ran (the connection ended, or it stayed silent too long). */
export class HostLostError extends HostRequestError {
  constructor(host: HostConfig, agent: string, how: string) {
    super(host, `was lost while ${agent} was running (${how}); the host stops the agent when it is back`);
    this.name = "HostLostError";
  }
}

export type HostAgentRun = {
  agent: ExternalAgentSettings;
  prompt: string;
  /** The worktree or scratch folder on the host. */
  directory: string;
  signal?: AbortSignal;
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  /** Silence this long (the host says it is alive every few seconds) is a lost host. */
  lossTimeoutMs: number;
  fetch?: typeof fetch;
};

/** One NDJSON line of the host's stream; null for a line this version does not know. */
function parseLine(text: string): RunLine | null {
  try {
    const parsed = lineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function runExternalAgentOnHost(host: HostConfig, options: HostAgentRun): Promise<ExternalAgentResult> {
  const { agent, signal } = options;
  // Ends the request: the host then stops the agent (a caller that goes away stops its agent there).
  const connection = new AbortController();
  let run: string | null = null;
  let cancelled = false;
  let stderrTail = "";
  let lost: string | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  // Ends the request and the reading of its stream (whatever the transport makes of the abort).
  const hangUp = () => {
    connection.abort();
    reader?.cancel().catch(() => undefined);
  };
  let silence: NodeJS.Timeout | undefined;
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(() => {
      lost = `it did not answer for ${Math.round(options.lossTimeoutMs / 1000)} s`;
      hangUp();
    }, options.lossTimeoutMs);
  };
  // A stop asks the host, which ends the agent's group and answers `exit` with `cancelled`; a host that
  // cannot be asked sees the connection end instead, which stops the agent there too.
  const onAbort = () => {
    cancelled = true;
    if (run === null) return hangUp();
    hostServiceRequest(host, "/v1/agents/stop", stoppedSchema, { body: { run }, timeoutMs: 10_000, fetch: options.fetch }).catch(hangUp);
  };
  const cancelledResult = (): ExternalAgentResult => ({ exitCode: null, signal: null, cancelled: true, stderrTail });

  heard();
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(`${host.url}/v1/agents/run`, {
        method: "POST",
        headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
        body: JSON.stringify({ agent, prompt: options.prompt, directory: options.directory }),
        signal: connection.signal,
      });
    } catch {
      if (cancelled) return cancelledResult();
      throw new HostRequestError(host, lost ? `did not answer within ${Math.round(options.lossTimeoutMs / 1000)} s` : "cannot be reached (is boochat-host running there?)");
    }
    if (!response.ok || response.body === null) {
      const refused = errorSchema.safeParse(await response.json().catch(() => null));
      throw new HostRequestError(host, `refused to run ${agent.name}: HTTP ${response.status}${refused.success ? `: ${refused.data.error.message}` : ""}`);
    }
    reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        lost ??= "the connection broke";
        break;
      }
      if (next.done) break;
      heard();
      pending += decoder.decode(next.value, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = parseLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (line?.type === "started") {
          run = line.run;
          if (cancelled) onAbort();
        } else if (line?.type === "output") {
          if (line.stream === "stderr") stderrTail = (stderrTail + line.text).slice(-500);
          options.onOutput(line.stream, line.text);
        } else if (line?.type === "exit") {
          return { exitCode: line.exitCode, signal: line.signal, cancelled: line.cancelled || cancelled, stderrTail: line.stderrTail };
        } else if (line?.type === "failed") {
          throw new Error(line.message);
        }
      }
    }
    // Stopped here, and the host could not be asked: the closed connection stopped the agent there.
    if (cancelled) return cancelledResult();
    throw new HostLostError(host, agent.name, lost ?? "the connection ended");
  } finally {
    clearTimeout(silence);
    signal?.removeEventListener("abort", onAbort);
    hangUp();
  }
}
