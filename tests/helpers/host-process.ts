import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { opencodePidFile, stopLeftoverOpencode } from "../../server/agents/opencode/opencode-leftover";
import { stopLeftoverAgents } from "../../host/agent-leftovers";
import { signalGroup } from "../../server/lib/process-group.mjs";

/**
 * Starts the REAL host service (`host/main.ts` under tsx, docs/HOSTS.md) on a free port of 127.0.0.1,
 * as the leader of its own process group, for tests with one or several hosts:
 *
 *   const host = await startHostService({ name: "b", worktreeRoot, dataDir });
 *   await host.request("PUT", "/v1/opencode/config", { config });
 *   await host.stop();
 *
 * - `worktreeRoot` and `dataDir` are the test's (this helper never removes them); `token` defaults to a
 *   random one; `port` defaults to 0 (a free one); `env` adds or overrides variables. No GIT_* variable
 *   of the test process reaches the host.
 * - A host that exits before listening rejects with its output (e.g. why it refused to start).
 * - `stop()` sends SIGTERM (the host stops its opencode's process group, then exits; SIGKILL after
 *   10 s) and then stops any opencode or external agent this data folder still has running (one a
 *   `kill()` left behind).
 * - `kill()` SIGKILLs the host's whole process group at once, as a crash would, and resolves once the
 *   host has exited. Its opencode runs in a group of its own and outlives it, as after a real crash:
 *   the next host started on the same data folder stops it, and so does `stop()`.
 * - `opencodePid()` is the pid of the opencode the host recorded in its data folder, or null.
 */

export type HostRequestOptions = { token?: string | null; rawBody?: string; headers?: Record<string, string> };

export type HostResponse<T = unknown> = { status: number; body: T; headers: Headers };

export type HostServiceProcess = {
  url: string;
  token: string;
  name: string;
  pid: number;
  dataDir: string;
  worktreeRoot: string;
  /** everything the process printed so far (stdout and stderr), for failure messages */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  request<T = unknown>(method: string, route: string, body?: unknown, options?: HostRequestOptions): Promise<HostResponse<T>>;
  opencodePid(): number | null;
  stop(): Promise<void>;
  kill(): Promise<void>;
};

export type StartHostServiceOptions = {
  name: string;
  worktreeRoot: string;
  dataDir: string;
  token?: string;
  port?: number;
  env?: Record<string, string>;
  startTimeoutMs?: number;
};

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const LISTENING = /^boochat host \S+ listening on (http:\/\/\S+) \(worktree root (.+)\)$/m;

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startHostService(options: StartHostServiceOptions): Promise<HostServiceProcess> {
  const token = options.token ?? randomBytes(24).toString("hex");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_") || key.startsWith("BOOCHAT_")) delete env[key];
  Object.assign(env, {
    BOOCHAT_HOST_NAME: options.name,
    BOOCHAT_HOST_PORT: String(options.port ?? 0),
    BOOCHAT_HOST_ADDRESS: "127.0.0.1",
    BOOCHAT_HOST_TOKEN: token,
    BOOCHAT_WORKTREE_ROOT: options.worktreeRoot,
    BOOCHAT_DATA_DIR: options.dataDir,
    ...options.env,
  });

  // node --import tsx: one process, so SIGTERM reaches the host itself; detached: a group of its own.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "host", "main.ts")], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
    if (process.env.BOOCHAT_TEST_LOG) process.stderr.write(`[host ${options.name}] ${chunk}`);
  });

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      reject(new Error(`the host service ${options.name} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = LISTENING.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the host service ${options.name} exited (${String(code ?? signal)}) before listening:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the host service has no pid");

  const opencodePid = (): number | null => {
    try {
      const recorded = Number(readFileSync(opencodePidFile(options.dataDir), "utf8").trim());
      return Number.isInteger(recorded) && recorded > 1 ? recorded : null;
    } catch {
      return null;
    }
  };

  return {
    url,
    token,
    name: options.name,
    pid,
    dataDir: options.dataDir,
    worktreeRoot: options.worktreeRoot,
    exited,
    output: () => output,
    opencodePid,
    async request<T>(method: string, route: string, body?: unknown, requestOptions: HostRequestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      const bearer = requestOptions.token === undefined ? token : requestOptions.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let payload: string | undefined = requestOptions.rawBody;
      if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
      if (payload !== undefined) headers["content-type"] ??= "application/json";
      const response = await fetch(`${url}${route}`, { method, headers, body: payload });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: hand back the text
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = waitForExit(child);
        child.kill("SIGTERM");
        const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }
      // An opencode or an external agent a kill() left behind (the host could not stop them).
      await Promise.all([stopLeftoverOpencode(options.dataDir), stopLeftoverAgents(options.dataDir)]);
    },
    async kill() {
      const gone = waitForExit(child);
      signalGroup(pid, "SIGKILL");
      await gone;
    },
  };
}
