import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * Starts the REAL sidecar (`sidecar/main.ts` under tsx) as a child process on a free port, for tests
 * that talk to it over HTTP (the risk engine, the delete gate). Start one per test file:
 *
 *   const sidecar = await startSidecar({ worktreeRoot });
 *   const { status, body } = await sidecar.request("POST", "/v1/worktrees/risk", { paths: [dir] });
 *   await sidecar.stop();
 *
 * - `worktreeRoot` is BOOCHAT_WORKTREE_ROOT (left out: the sidecar's default, `<dataDir>/worktrees`, read
 *   back from its start-up line); `dataDir` (BOOCHAT_DATA_DIR) defaults to a new temp folder;
 *   `token` defaults to a random one (null: none is set, so the sidecar reads BOOCHAT_SIDECAR_TOKEN_FILE or
 *   `$CREDENTIALS_DIRECTORY/sidecar-token` when `env` sets them, else reads or writes `<dataDir>/sidecar-token`
 *   as `npm run sidecar` alone does); `env` adds or overrides variables (e.g. PATH); `user` runs it as
 *   another user and group (the test must run as root).
 * - A sidecar that exits before listening rejects with its output (e.g. why it refused to start).
 * - No GIT_* variable of the test process reaches the sidecar.
 * - `request` sends JSON with the bearer token (override with `{ token }`, `null` for none, or send
 *   `{ rawBody }` as is) and returns the status and the parsed JSON body (the raw text if not JSON).
 * - `stop()` sends SIGTERM and resolves once the process has exited (SIGKILL after 10 s), then removes
 *   the data folder if this helper made it; `exited`
 *   resolves with the exit code and signal.
 */

export type SidecarRequestOptions = { token?: string | null; rawBody?: string; headers?: Record<string, string> };

export type SidecarResponse<T = unknown> = { status: number; body: T; headers: Headers };

export type SidecarProcess = {
  url: string;
  token: string;
  worktreeRoot: string;
  dataDir: string;
  auditLogPath: string;
  /** everything the process printed so far (stdout and stderr), for failure messages */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  request<T = unknown>(method: string, path: string, body?: unknown, options?: SidecarRequestOptions): Promise<SidecarResponse<T>>;
  stop(): Promise<void>;
};

export type StartSidecarOptions = {
  worktreeRoot?: string;
  dataDir?: string;
  token?: string | null;
  env?: Record<string, string>;
  startTimeoutMs?: number;
  user?: { uid: number; gid: number };
};

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const LISTENING = /listening on (http:\/\/\S+) \(worktree root (.+)\)\n/;

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Where a sidecar started without BOOCHAT_SIDECAR_TOKEN finds its token (sidecar/token.ts). */
function tokenFileOf(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.BOOCHAT_SIDECAR_TOKEN_FILE) return env.BOOCHAT_SIDECAR_TOKEN_FILE;
  if (env.CREDENTIALS_DIRECTORY) return path.join(env.CREDENTIALS_DIRECTORY, "sidecar-token");
  return path.join(dataDir, "sidecar-token");
}

export async function startSidecar(options: StartSidecarOptions): Promise<SidecarProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "boochat-sidecar-data-")));
  const chosenToken = options.token === undefined ? randomBytes(24).toString("hex") : options.token;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_")) delete env[key];
  Object.assign(env, {
    BOOCHAT_SIDECAR_PORT: "0",
    BOOCHAT_SIDECAR_HOST: "127.0.0.1",
    BOOCHAT_SIDECAR_TOKEN: chosenToken ?? "",
    BOOCHAT_WORKTREE_ROOT: options.worktreeRoot ?? "",
    BOOCHAT_DATA_DIR: dataDir,
    ...options.env,
  });

  // node --import tsx: one process, so SIGTERM reaches the sidecar itself.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "sidecar", "main.ts")], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // Node drops the supplementary groups too when it changes the user.
    ...options.user,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });

  const listening = new Promise<{ url: string; worktreeRoot: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the sidecar did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = LISTENING.exec(output);
      if (match?.[1] && match[2]) {
        clearTimeout(timer);
        resolve({ url: match[1], worktreeRoot: match[2] });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the sidecar exited (${String(code ?? signal)}) before listening:\n${output}`));
    });
  });

  let started: { url: string; worktreeRoot: string };
  try {
    started = await listening;
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { url } = started;
  const token = chosenToken ?? (await readFile(tokenFileOf(env, dataDir), "utf8")).trim();

  return {
    url,
    token,
    exited,
    worktreeRoot: options.worktreeRoot ?? started.worktreeRoot,
    dataDir,
    auditLogPath: path.join(dataDir, "sidecar-audit.jsonl"),
    output: () => output,
    async request<T>(method: string, route: string, body?: unknown, requestOptions: SidecarRequestOptions = {}) {
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
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }
      // A data folder this helper made is its to remove; one the test passed in is the test's.
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
