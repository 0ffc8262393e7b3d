import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createOpencodeClient, type OpencodeClient } from "@opencode-ai/sdk/v2";
import { allowlistedEnvironment } from "./agent-environment";
import { portOwner } from "./port-owner";
import { forgetOpencodePid, recordOpencodePid, stopLeftoverOpencode } from "./opencode-leftover";
import { AppError } from "../errors";

/**
 * Starts and supervises one `opencode serve` (docs/AGENTS.md, "Message path"): 127.0.0.1 only,
 * a password, its XDG folders inside BooChat's data folder, its config given inline, restarted
 * with backoff when it dies, and stopped as a whole process group.
 */

export type OpencodeServerState = "idle" | "starting" | "ready" | "exited" | "stopped";

export type OpencodeExit = { code: number | null; signal: NodeJS.Signals | null; generation: number };

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
  /** Extra environment variables for the child (tests: nothing else leaks in). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Per-request timeout of the SDK client (the event stream has none). */
  requestTimeoutMs?: number;
  restart?: { initialDelayMs?: number; maxDelayMs?: number };
  log?: (line: string) => void;
};

export type OpencodeServer = {
  readonly url: string;
  readonly password: string;
  /** The `Authorization` header value for raw requests (the event stream). */
  readonly authorization: string;
  /** The SDK client (flat parameters, `@opencode-ai/sdk/v2`), with a timeout on every request. */
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
  /** Called whenever a (re)started process is ready. */
  onReady(listener: (generation: number) => void): () => void;
  stop(): Promise<void>;
  /** Stops opencode's process group at once, without waiting (the server is being stopped by a signal). */
  stopNow(): void;
};

/** The opencode binary that ships with the `opencode-ai` npm package, for this platform. */
export function resolveOpencodeBinary(root = process.cwd()): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const exe = process.platform === "win32" ? "opencode.exe" : "opencode";
  const candidates = [
    path.join(root, "node_modules", `opencode-${platform}-${arch}`, "bin", exe),
    path.join(root, "node_modules", `opencode-${platform}-${arch}-baseline`, "bin", exe),
    path.join(root, "node_modules", "opencode-ai", "bin", "opencode.exe"),
    path.join(root, "node_modules", ".bin", "opencode"),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new AppError("SERVICE_UNAVAILABLE", "The opencode binary is not installed (npm package opencode-ai): run npm install");
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment opencode runs with: its own XDG folders, offline and quiet, nothing inherited but the allowlist. */
export function opencodeEnvironment(options: { dataDir: string; password: string; config: Record<string, unknown>; extra?: Record<string, string> }) {
  const home = path.join(options.dataDir, "opencode");
  const dirs = {
    HOME: path.join(home, "home"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_STATE_HOME: path.join(home, "state"),
  };
  // 0700: opencode keeps conversations and credentials here (the data folder too, if this creates it).
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    NODE_ENV: "production" as const,
    ...allowlistedEnvironment(),
    LANG: process.env.LANG ?? "C.UTF-8",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    ...dirs,
    OPENCODE_SERVER_PASSWORD: options.password,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(options.config),
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_TERMINAL_TITLE: "1",
    ...options.extra,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PortTakenError extends Error {
  constructor(port: number) {
    super(`another process took port ${port} before opencode could listen on it: opencode's password was not sent there; starting it on another port`);
    this.name = "PortTakenError";
  }
}

function isEventStream(url: string): boolean {
  const pathname = new URL(url).pathname;
  return pathname === "/global/event" || pathname === "/event";
}

export function createOpencodeServer(options: OpencodeServerOptions): OpencodeServer {
  const password = options.password ?? randomBytes(24).toString("base64url");
  const authorization = `Basic ${Buffer.from(`opencode:${password}`).toString("base64")}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const initialDelay = options.restart?.initialDelayMs ?? 500;
  const maxDelay = options.restart?.maxDelayMs ?? 30_000;
  const log = options.log ?? (() => {});

  let port = options.port ?? 0;
  let child: ChildProcess | null = null;
  let state: OpencodeServerState = "idle";
  // Read through a function so TypeScript does not narrow it across awaits.
  const current = (): OpencodeServerState => state;
  let generation = 0;
  let starting: Promise<void> | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  let lastReadyAt = 0;
  const exitListeners = new Set<(exit: OpencodeExit) => void>();
  const readyListeners = new Set<(generation: number) => void>();
  const url = () => `http://127.0.0.1:${port}`;

  // Every request gets a timeout: a request sent while opencode is busy starting can hang unanswered.
  const timedFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (isEventStream(request.url)) return fetch(request);
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(requestTimeoutMs)]);
    return fetch(new Request(request, { signal }));
  };

  let client: OpencodeClient | null = null;

  function killGroup(proc: ChildProcess, signal: NodeJS.Signals) {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      try {
        proc.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  // A BooChat that exits must not leave its opencode running, orphaned.
  const onProcessExit = () => {
    if (child) killGroup(child, "SIGKILL");
  };

  async function waitUntilAnswering(proc: ChildProcess, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new AppError("SERVICE_UNAVAILABLE", `opencode exited while starting (${proc.signalCode ?? `code ${proc.exitCode}`})`);
      }
      // The password goes only to a port opencode itself listens on, never to a process that took it first.
      const owner = proc.pid === undefined ? "unknown" : portOwner(proc.pid, port);
      if (owner === "other") throw new PortTakenError(port);
      if (owner === "none") {
        await sleep(100);
        continue;
      }
      try {
        const response = await fetch(`${url()}/global/health`, {
          headers: { authorization },
          signal: AbortSignal.timeout(1_000),
        });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new AppError("SERVICE_UNAVAILABLE", `opencode did not answer within ${Math.round(readyTimeoutMs / 1000)} s of starting`);
  }

  async function startOnce(): Promise<void> {
    if (port === 0) port = await freePort();
    const binary = options.binary ?? resolveOpencodeBinary();
    const env = opencodeEnvironment({ dataDir: options.dataDir, password, config: options.config, extra: options.env });
    state = "starting";
    generation += 1;
    const thisGeneration = generation;
    if (thisGeneration === 1) await stopLeftoverOpencode(options.dataDir, log);
    log(`starting opencode serve on ${url()} (generation ${thisGeneration})`);
    const proc = spawn(binary, ["serve", "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: env.HOME,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    process.once("exit", onProcessExit);
    if (proc.pid !== undefined) recordOpencodePid(options.dataDir, proc.pid);
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        log(`opencode: ${line}`);
      }
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    proc.on("exit", (code, signal) => {
      process.removeListener("exit", onProcessExit);
      if (proc.pid !== undefined) forgetOpencodePid(options.dataDir, proc.pid);
      if (child === proc) child = null;
      if (state === "stopped") return;
      state = "exited";
      log(`opencode exited (${signal ?? `code ${code}`})`);
      for (const listener of exitListeners) listener({ code, signal, generation: thisGeneration });
      scheduleRestart();
    });
    try {
      await waitUntilAnswering(proc, Date.now() + readyTimeoutMs);
    } catch (error) {
      killGroup(proc, "SIGKILL");
      if (error instanceof PortTakenError) {
        // The restart picks a new free port (and a client for it).
        log(error.message);
        port = 0;
        client = null;
        throw new AppError("SERVICE_UNAVAILABLE", error.message);
      }
      const detail = tail.slice(-3).join(" | ");
      if (error instanceof AppError && detail) throw new AppError(error.code, `${error.message}: ${detail}`);
      throw error;
    }
    if (current() === "stopped") return;
    state = "ready";
    lastReadyAt = Date.now();
    log(`opencode ready on ${url()}`);
    for (const listener of readyListeners) listener(thisGeneration);
  }

  function scheduleRestart() {
    if (restartTimer || state === "stopped") return;
    // A server that stayed up a minute starts the backoff over.
    if (Date.now() - lastReadyAt > 60_000) failures = 0;
    const delay = Math.min(maxDelay, initialDelay * 2 ** failures);
    failures += 1;
    log(`restarting opencode in ${delay} ms`);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (state === "stopped") return;
      ensureStarted().catch((error: unknown) => {
        log(`opencode restart failed: ${error instanceof Error ? error.message : String(error)}`);
        scheduleRestart();
      });
    }, delay);
    restartTimer.unref();
  }

  function ensureStarted(): Promise<void> {
    if (state === "ready") return Promise.resolve();
    if (state === "stopped") return Promise.reject(new AppError("SERVICE_UNAVAILABLE", "opencode has been stopped"));
    starting ??= startOnce().finally(() => {
      starting = null;
    });
    return starting;
  }

  const server: OpencodeServer = {
    get url() {
      return url();
    },
    password,
    authorization,
    get client() {
      client ??= createOpencodeClient({ baseUrl: url(), headers: { authorization }, fetch: timedFetch });
      return client;
    },
    get state() {
      return state;
    },
    get pid() {
      return child?.pid ?? null;
    },
    get generation() {
      return generation;
    },
    async ready(timeoutMs = readyTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (state !== "ready") {
        if (state === "stopped") throw new AppError("SERVICE_UNAVAILABLE", "opencode has been stopped");
        // While a restart is pending, wait for it instead of racing it.
        if (restartTimer === null) {
          try {
            await ensureStarted();
          } catch (error) {
            if (Date.now() >= deadline) throw error;
          }
        }
        if (current() === "ready") break;
        if (Date.now() >= deadline) {
          throw new AppError("SERVICE_UNAVAILABLE", "opencode is not running and did not come back in time; it is being restarted");
        }
        await sleep(100);
      }
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    stopNow() {
      state = "stopped";
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const proc = child;
      if (!proc) return;
      killGroup(proc, "SIGTERM");
      // If opencode ignores SIGTERM while this process still lives, it gets SIGKILL; never keeps the process up.
      setTimeout(() => killGroup(proc, "SIGKILL"), 2_000).unref();
    },
    async stop() {
      state = "stopped";
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const proc = child;
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      killGroup(proc, "SIGTERM");
      const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
      // The launcher may leave children in the group: make sure none survive.
      killGroup(proc, "SIGKILL");
      process.removeListener("exit", onProcessExit);
    },
  };
  return server;
}
