import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A second BooChat, started the way `npm start` starts one (scripts/start.mjs against the built
 * app), with BOOCHAT_PASSWORD set and its own database, data folder, worktree root and ports.
 */
export type PasswordApp = { url: string; port: number; dir: string; dataDir: string; output(): string; stop(): Promise<void> };

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the password app exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the password app did not answer /api/health within ${timeoutMs} ms:\n${output()}`);
}

export async function startPasswordApp(options: { password: string; port: number; sidecarPort: number; env?: Record<string, string> }): Promise<PasswordApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-e2e-password-"));
  const dataDir = path.join(dir, "data");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("BOOCHAT_") || key === "HOST" || key === "DATABASE_URL") delete env[key];
  Object.assign(env, {
    PORT: String(options.port),
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    BOOCHAT_DATA_DIR: dataDir,
    BOOCHAT_WORKTREE_ROOT: path.join(dir, "worktrees"),
    BOOCHAT_SCRATCH_DIR: path.join(dir, "scratch"),
    BOOCHAT_SIDECAR_PORT: String(options.sidecarPort),
    BOOCHAT_PASSWORD: options.password,
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  });
  // Its own process group: start.mjs puts the sidecar and `next start` in groups of their own and
  // stops them on SIGTERM; the group kill below is the fallback if start.mjs itself hangs.
  const child = spawn(process.execPath, ["scripts/start.mjs", "--skip-install", "--skip-build"], { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const pid = child.pid;
      const timer = setTimeout(() => {
        if (pid === undefined) return;
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => log, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port: options.port, dir, dataDir, output: () => log, stop };
}
