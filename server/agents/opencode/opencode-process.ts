import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { OpencodeClient } from "@opencode-ai/sdk/v2";
import { AppError } from "../../errors";
import { backoffDelay } from "../../lib/backoff";
import { signalGroup, stopGroup, terminateGroup } from "../../lib/process-group.mjs";
import { timedOpencodeClient } from "./opencode-client";
import { freePort, opencodeEnvironment, resolveOpencodeBinary, spawnOpencode } from "./opencode-launch";
import { forgetOpencodePid, recordOpencodePid, stopLeftoverOpencode } from "./opencode-leftover";
import { portOwner } from "./port-owner";

/**
 * Starts and supervises one `opencode serve` (docs/AGENTS.md, "opencode's process"): 127.0.0.1
 * only, a password, its XDG folders inside BooChat's data folder, its config given inline,
 * restarted with backoff when it dies, and stopped as a whole process group.
 */

export type OpencodeServerState = "idle" | "starting" | "ready" | "exited" | "stopped";

export type OpencodeExit = {
  code: number | null;
  signal: NodeJS.Signals | null;
  generation: number;
  /** Why, in words, when it is not a local process's exit (a host service's opencode: `host "b" did not answer for 30 s`). */
  reason?: string;
};

export type OpencodeServerOptions = {
  /** BooChat's data folder: opencode's XDG folders go to `<dataDir>/opencode/`. */
  dataDir: string;
  /** opencode's configuration (OPENCODE_CONFIG_CONTENT). */
  config: Record<string, unknown>;
  /** The port to listen on; a free one is picked when absent (and kept across restarts). */
  port?: number;
  password?: string;
  /** The opencode binary; the platform binary shipped in node_modules when absent. */
  binary?: string;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
  /** The transport the SDK client uses (default: the global fetch). */
  fetch?: typeof fetch;
  readyTimeoutMs?: number;
  /** Per-request timeout of the SDK client (the event stream has none). */
  requestTimeoutMs?: number;
  restart?: { initialDelayMs?: number; maxDelayMs?: number };
  log?: (line: string) => void;
};

export type OpencodeServer = {
  readonly url: string;
  /** The `Authorization` header value opencode expects. */
  readonly authorization: string;
  /** The SDK client (flat parameters, `@opencode-ai/sdk/v2`), with a timeout on every request but the event stream. */
  readonly client: OpencodeClient;
  readonly state: OpencodeServerState;
  /** Process id of the running opencode (the leader of its own process group), or null. */
  readonly pid: number | null;
  /** Increments on every (re)start. */
  readonly generation: number;
  /** Starts it if needed and resolves once it answers. */
  ready(timeoutMs?: number): Promise<void>;
  /** Called whenever the process dies without being asked to. */
  onExit(listener: (exit: OpencodeExit) => void): () => void;
  stop(): Promise<void>;
  /** Stops opencode's process group at once, without waiting (the server is being stopped by a signal). */
  stopNow(): void;
};

class PortTakenError extends Error {
  constructor(port: number) {
    super(`another process took port ${port} before opencode could listen on it: opencode's password was not sent there; starting it on another port`);
    this.name = "PortTakenError";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the supervisor keeps between calls. */
type Supervisor = {
  options: OpencodeServerOptions;
  log: (line: string) => void;
  authorization: string;
  password: string;
  port: number;
  child: ChildProcess | null;
  state: OpencodeServerState;
  generation: number;
  starting: Promise<void> | null;
  restartTimer: NodeJS.Timeout | null;
  failures: number;
  lastReadyAt: number;
  exitListeners: Set<(exit: OpencodeExit) => void>;
  client: OpencodeClient | null;
};

const urlOf = (s: Supervisor) => `http://127.0.0.1:${s.port}`;
/** Read through a function so TypeScript does not narrow it across awaits. */
const stateOf = (s: Supervisor): OpencodeServerState => s.state;

/** Polls opencode's health until it answers; the password goes only to a port opencode itself listens on. */
async function waitUntilAnswering(s: Supervisor, proc: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new AppError("SERVICE_UNAVAILABLE", `opencode exited while starting (${proc.signalCode ?? `code ${proc.exitCode}`})`);
    }
    const owner = proc.pid === undefined ? "unknown" : portOwner(proc.pid, s.port);
    if (owner === "other") throw new PortTakenError(s.port);
    if (owner !== "none") {
      const answered = await fetch(`${urlOf(s)}/global/health`, { headers: { authorization: s.authorization }, signal: AbortSignal.timeout(1_000) }).catch(() => null);
      if (answered?.ok) return;
    }
    await sleep(100);
  }
  throw new AppError("SERVICE_UNAVAILABLE", `opencode did not answer within ${Math.round((s.options.readyTimeoutMs ?? 30_000) / 1000)} s of starting`);
}

/** When the process dies unasked: tell the listeners and start it again after a backoff. */
function watchExit(s: Supervisor, proc: ChildProcess, generation: number, onProcessExit: () => void) {
  proc.on("exit", (code, signal) => {
    process.removeListener("exit", onProcessExit);
    if (proc.pid !== undefined) forgetOpencodePid(s.options.dataDir, proc.pid);
    if (s.child === proc) s.child = null;
    if (s.state === "stopped") return;
    s.state = "exited";
    s.log(`opencode exited (${signal ?? `code ${code}`})`);
    for (const listener of s.exitListeners) listener({ code, signal, generation });
    scheduleRestart(s);
  });
}

async function startOnce(s: Supervisor): Promise<void> {
  if (s.port === 0) s.port = await freePort();
  const binary = s.options.binary ?? resolveOpencodeBinary();
  const env = opencodeEnvironment({ dataDir: s.options.dataDir, password: s.password, config: s.options.config, extra: s.options.env });
  s.state = "starting";
  s.generation += 1;
  const generation = s.generation;
  if (generation === 1) await stopLeftoverOpencode(s.options.dataDir, s.log);
  s.log(`starting opencode serve on ${urlOf(s)} (generation ${generation})`);
  const { proc, lastLines } = spawnOpencode({ binary, port: s.port, env, log: s.log });
  s.child = proc;
  // A BooChat that exits must not leave its opencode running, orphaned.
  const onProcessExit = () => proc.pid !== undefined && signalGroup(proc.pid, "SIGKILL");
  process.once("exit", onProcessExit);
  if (proc.pid !== undefined) recordOpencodePid(s.options.dataDir, proc.pid);
  watchExit(s, proc, generation, onProcessExit);
  try {
    await waitUntilAnswering(s, proc, Date.now() + (s.options.readyTimeoutMs ?? 30_000));
  } catch (error) {
    if (proc.pid !== undefined) signalGroup(proc.pid, "SIGKILL");
    if (error instanceof PortTakenError) {
      // The restart picks a new free port (and a client for it).
      s.log(error.message);
      s.port = 0;
      s.client = null;
      throw new AppError("SERVICE_UNAVAILABLE", error.message);
    }
    const detail = lastLines();
    if (error instanceof AppError && detail) throw new AppError(error.code, `${error.message}: ${detail}`);
    throw error;
  }
  if (stateOf(s) === "stopped") return;
  s.state = "ready";
  s.lastReadyAt = Date.now();
  s.log(`opencode ready on ${urlOf(s)}`);
}

function scheduleRestart(s: Supervisor) {
  if (s.restartTimer || s.state === "stopped") return;
  // A server that stayed up a minute starts the backoff over.
  if (Date.now() - s.lastReadyAt > 60_000) s.failures = 0;
  const delay = backoffDelay(s.failures, { initialMs: s.options.restart?.initialDelayMs ?? 500, maxMs: s.options.restart?.maxDelayMs ?? 30_000 });
  s.failures += 1;
  s.log(`restarting opencode in ${delay} ms`);
  s.restartTimer = setTimeout(() => {
    s.restartTimer = null;
    if (s.state === "stopped") return;
    ensureStarted(s).catch((error: unknown) => {
      s.log(`opencode restart failed: ${error instanceof Error ? error.message : String(error)}`);
      scheduleRestart(s);
    });
  }, delay);
  s.restartTimer.unref();
}

function ensureStarted(s: Supervisor): Promise<void> {
  if (s.state === "ready") return Promise.resolve();
  if (s.state === "stopped") return Promise.reject(new AppError("SERVICE_UNAVAILABLE", "opencode has been stopped"));
  s.starting ??= startOnce(s).finally(() => {
    s.starting = null;
  });
  return s.starting;
}

async function waitReady(s: Supervisor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (stateOf(s) !== "ready") {
    if (stateOf(s) === "stopped") throw new AppError("SERVICE_UNAVAILABLE", "opencode has been stopped");
    // While a restart is pending, wait for it instead of racing it.
    if (s.restartTimer === null) {
      try {
        await ensureStarted(s);
      } catch (error) {
        if (Date.now() >= deadline) throw error;
      }
    }
    if (stateOf(s) === "ready") break;
    if (Date.now() >= deadline) throw new AppError("SERVICE_UNAVAILABLE", "opencode is not running and did not come back in time; it is being restarted");
    await sleep(100);
  }
}

/** The SDK client for the current port (a restart on another port makes a new one). */
function clientOf(s: Supervisor): OpencodeClient {
  s.client ??= timedOpencodeClient({ baseUrl: urlOf(s), authorization: s.authorization, requestTimeoutMs: s.options.requestTimeoutMs ?? 15_000, fetch: s.options.fetch });
  return s.client;
}

function halt(s: Supervisor) {
  s.state = "stopped";
  if (s.restartTimer) clearTimeout(s.restartTimer);
  s.restartTimer = null;
}

export function createOpencodeServer(options: OpencodeServerOptions): OpencodeServer {
  const password = options.password ?? randomBytes(24).toString("base64url");
  const s: Supervisor = {
    options,
    log: options.log ?? (() => {}),
    password,
    authorization: `Basic ${Buffer.from(`opencode:${password}`).toString("base64")}`,
    port: options.port ?? 0,
    child: null,
    state: "idle",
    generation: 0,
    starting: null,
    restartTimer: null,
    failures: 0,
    lastReadyAt: 0,
    exitListeners: new Set(),
    client: null,
  };
  return {
    get url() {
      return urlOf(s);
    },
    authorization: s.authorization,
    get client() {
      return clientOf(s);
    },
    get state() {
      return s.state;
    },
    get pid() {
      return s.child?.pid ?? null;
    },
    get generation() {
      return s.generation;
    },
    ready: (timeoutMs = options.readyTimeoutMs ?? 30_000) => waitReady(s, timeoutMs),
    onExit(listener) {
      s.exitListeners.add(listener);
      return () => s.exitListeners.delete(listener);
    },
    stopNow() {
      halt(s);
      // If opencode ignores SIGTERM while this process still lives, it gets SIGKILL; never keeps the process up.
      if (s.child?.pid !== undefined) terminateGroup(s.child.pid, 2_000);
    },
    async stop() {
      halt(s);
      // The launcher may leave children in the group: stopGroup makes sure none survive.
      if (s.child) await stopGroup(s.child, 3_000);
    },
  };
}
