import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";

// `npm start` itself (scripts/start.mjs), run as a user would run it, in temp folders.
const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const temps: string[] = [];

afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-start-"));
  temps.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The environment of a start in `dir`: nothing of the caller's BooChat settings leaks in. */
function startEnv(dir: string, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("BOOCHAT_") || key === "HOST" || key === "PORT" || key === "DATABASE_URL") delete env[key];
  return {
    ...env,
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    BOOCHAT_DATA_DIR: path.join(dir, "data"),
    BOOCHAT_WORKTREE_ROOT: path.join(dir, "worktrees"),
    ...extra,
  };
}

type Run = { code: number | null; output: string; ms: number };

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs start.mjs until it exits, or until `until` shows in its output: then, once the web app
 * answers (or `next start` gave up, e.g. when no build exists), stops it with SIGTERM as Ctrl-C would.
 */
function runStart(env: NodeJS.ProcessEnv, until?: RegExp): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ["scripts/start.mjs", "--skip-install", "--skip-build"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let stopping = false;
  const stopWhenUp = async () => {
    // Stopping `next start` in its first milliseconds can leave it running: wait until it answers.
    while (child.exitCode === null && !(await answers(`http://127.0.0.1:${env.PORT}/api/health`))) await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (!stopping && until?.test(output)) {
      stopping = true;
      void stopWhenUp();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

it("refuses HOST=0.0.0.0 without BOOCHAT_PASSWORD at once, saying why, before touching anything", async () => {
  const dir = await tempDir();
  for (const extra of [{ HOST: "0.0.0.0" }, { HOST: "192.168.1.5" }, { HOST: "0.0.0.0", BOOCHAT_PASSWORD: "   " }]) {
    const run = await runStart(startEnv(dir, extra));
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(`HOST=${extra.HOST}`);
    expect(run.output).toContain("BOOCHAT_PASSWORD is not set");
    expect(run.output).toContain("127.0.0.1");
    expect(run.ms).toBeLessThan(5_000);
  }
  // A password too short to stand up to guessing is refused the same way.
  const short = await runStart(startEnv(dir, { BOOCHAT_PASSWORD: "hunter2" }));
  expect(short.code, short.output).toBe(1);
  expect(short.output).toContain("BOOCHAT_PASSWORD must be at least 12 characters long (it has 7)");
  // Refused before the data folder or the database was created.
  expect(await fs.readdir(dir)).toEqual([]);
});

it("creates the data folder 0700, the sidecar and API tokens 0600, and prints the sign-in link", async () => {
  const dir = await tempDir();
  const port = await freePort();
  // A sidecar URL: start.mjs then starts no sidecar of its own, so only its own file handling is under test.
  const run = await runStart(startEnv(dir, { HOST: "127.0.0.1", PORT: String(port), BOOCHAT_SIDECAR_URL: "http://127.0.0.1:9" }), /sign-in\?token=\S+/);
  expect(await mode(path.join(dir, "data"))).toBe(0o700);
  expect(await mode(path.join(dir, "data", "sidecar-token"))).toBe(0o600);
  expect((await fs.readFile(path.join(dir, "data", "sidecar-token"), "utf8")).trim()).toMatch(/^[0-9a-f]{64}$/);
  expect(await mode(path.join(dir, "data", "api-token"))).toBe(0o600);
  const token = (await fs.readFile(path.join(dir, "data", "api-token"), "utf8")).trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(run.output).toContain(`Open it with this sign-in link:\n\n    http://127.0.0.1:${port}/sign-in?token=${token}\n`);
  expect(await mode(path.join(dir, "app.db"))).toBe(0o600);
});

it("tightens an existing data folder and token file left readable by others, keeping the token", async () => {
  const dir = await tempDir();
  const data = path.join(dir, "data");
  await fs.mkdir(data);
  await fs.chmod(data, 0o755);
  await fs.writeFile(path.join(data, "sidecar-token"), "an-existing-token\n");
  await fs.chmod(path.join(data, "sidecar-token"), 0o644);
  const port = await freePort();
  const run = await runStart(startEnv(dir, { PORT: String(port), BOOCHAT_SIDECAR_URL: "http://127.0.0.1:9" }), /BooChat is starting on/);
  expect(run.output).toContain(`BooChat is starting on port ${port}`);
  expect(await mode(data)).toBe(0o700);
  expect(await mode(path.join(data, "sidecar-token"))).toBe(0o600);
  expect(await fs.readFile(path.join(data, "sidecar-token"), "utf8")).toBe("an-existing-token\n");
});

it("with BOOCHAT_HOSTS_FILE starts no local sidecar, and a bad hosts file stops the start, named", async () => {
  const dir = await tempDir();
  const port = await freePort();
  const hostsFile = path.join(dir, "hosts.json");
  // build-2 is on another machine (a documentation address): it is not asked anything at start.
  const hosts = [
    { name: "build-1", url: "http://127.0.0.1:9", token: "0123456789abcdef0123" },
    { name: "build-2", url: "http://192.0.2.1:9", token: "0123456789abcdef0123" },
  ];
  await fs.writeFile(hostsFile, JSON.stringify(hosts));
  const run = await runStart(startEnv(dir, { PORT: String(port), BOOCHAT_HOSTS_FILE: hostsFile }), /BooChat is starting on/);
  expect(run.output).toContain(`using the hosts in ${hostsFile} (BOOCHAT_HOSTS_FILE is set, so no local host is started)`);
  // Its opencode could not call back BooChat's MCP server on the web app's loopback address: said at start.
  expect(run.output).toContain(`[boochat] warning: BooChat's MCP server is at http://127.0.0.1:${port}/api/mcp, a loopback address: opencode on host "build-2" cannot reach it`);
  expect(run.output).not.toContain("boochat sidecar listening");
  await expect(fs.access(path.join(dir, "data", "sidecar.pid"))).rejects.toThrow();

  await fs.writeFile(hostsFile, JSON.stringify([{ name: "build 1", url: "http://127.0.0.1:9", token: "0123456789abcdef0123" }]));
  const bad = await runStart(startEnv(dir, { PORT: String(await freePort()), BOOCHAT_HOSTS_FILE: hostsFile }));
  expect(bad.code, bad.output).toBe(1);
  expect(bad.output).toContain(`BOOCHAT_HOSTS_FILE ${hostsFile}: [0].name: must be 1 to 63 letters`);
});
