import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { opencodePidFile, recordOpencodePid, stopLeftoverOpencode } from "../../server/agents/opencode/opencode-leftover";

// Real processes standing in for an opencode a killed BooChat left behind.
const started: ChildProcess[] = [];
const dirs: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-leftover-"));
  fs.mkdirSync(path.join(dir, "opencode"), { recursive: true });
  dirs.push(dir);
  return dir;
}

/** A long-running `node -e … serve` whose environment names `stateOf`'s opencode data folder. */
function fakeOpencode(stateOf: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "serve"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, XDG_DATA_HOME: path.join(stateOf, "opencode", "data") },
  });
  started.push(child);
  return child;
}

/** Resolves once the child runs node (its environment readable in /proc), not the fork before exec. */
async function running(child: ChildProcess, stateOf: string): Promise<void> {
  const wanted = `XDG_DATA_HOME=${path.join(stateOf, "opencode", "data")}`;
  await vi.waitFor(() => expect(fs.readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0")).toContain(wanted), { timeout: 5_000, interval: 20 });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited(child);
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("an opencode left running by a killed BooChat", () => {
  it("is stopped on the next start of the same data folder", async () => {
    const dir = dataDir();
    const leftover = fakeOpencode(dir);
    await running(leftover, dir);
    recordOpencodePid(dir, leftover.pid ?? 0);
    const gone = exited(leftover);
    expect(await stopLeftoverOpencode(dir)).toBe(true);
    await gone;
    expect(fs.existsSync(opencodePidFile(dir))).toBe(false);
  });

  it("is left alone when the recorded pid is not this data folder's opencode (a reused pid)", async () => {
    const dir = dataDir();
    const elsewhere = dataDir();
    const stranger = fakeOpencode(elsewhere);
    await running(stranger, elsewhere);
    recordOpencodePid(dir, stranger.pid ?? 0);
    expect(await stopLeftoverOpencode(dir)).toBe(false);
    expect(stranger.exitCode).toBeNull();
    expect(() => process.kill(stranger.pid ?? 0, 0)).not.toThrow();
  });

  it("forgets a recorded pid that is no longer running", async () => {
    const dir = dataDir();
    const done = fakeOpencode(dir);
    const pid = done.pid ?? 0;
    done.kill("SIGKILL");
    await exited(done);
    recordOpencodePid(dir, pid);
    expect(await stopLeftoverOpencode(dir)).toBe(false);
    expect(fs.existsSync(opencodePidFile(dir))).toBe(false);
  });
});
