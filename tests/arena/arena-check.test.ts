import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readArenaCheck, runArenaCheck } from "../../server/services/arena/arena-check";
import { isRunning } from "../helpers/processes";

// The repository's own check of an arena entry: read from .boochat/arena.json, run like an external
// agent (argv, scrubbed environment, whole process group stopped at the limit), never by the sidecar.
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-arena-check-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function worktreeWith(name: string, config: unknown | null, files: Record<string, string> = {}) {
  const worktree = path.join(dir, name);
  await fs.mkdir(path.join(worktree, ".boochat"), { recursive: true });
  if (config !== null) await fs.writeFile(path.join(worktree, ".boochat", "arena.json"), typeof config === "string" ? config : JSON.stringify(config));
  for (const [file, content] of Object.entries(files)) await fs.writeFile(path.join(worktree, file), content);
  return worktree;
}

describe("the arena's check", () => {
  it("is off unless .boochat/arena.json exists, and a file it cannot use says why", async () => {
    expect(await readArenaCheck(await worktreeWith("none", null))).toBeNull();
    await expect(readArenaCheck(await worktreeWith("bad-json", "{ nope"))).rejects.toThrow(".boochat/arena.json is not valid JSON");
    await expect(readArenaCheck(await worktreeWith("bad-shape", { check: [] }))).rejects.toThrow(".boochat/arena.json is invalid: check: must name the program to run");
    await expect(readArenaCheck(await worktreeWith("shell-string", { check: "npm test" }))).rejects.toThrow(/check: /);
    expect(await readArenaCheck(await worktreeWith("ok", { check: ["npm", "test"], timeoutSeconds: 30 }))).toEqual({ argv: ["npm", "test"], timeoutMs: 30_000 });
  });

  it("runs argv in the entry's worktree and gives the exit code and the tail, with none of BooChat's secrets", async () => {
    const script = "console.log('cwd', process.cwd()); console.log(JSON.stringify(process.env)); process.exit(3)";
    const worktree = await worktreeWith("runs", { check: [process.execPath, "-e", script] });
    for (const [name, value] of Object.entries({ BOOCHAT_PASSWORD: "pw-value-xyz", BOOCHAT_SIDECAR_TOKEN: "sidecar-value-xyz", OPENAI_API_KEY: "sk-value-xyz" })) vi.stubEnv(name, value);
    try {
      const check = await readArenaCheck(worktree);
      if (!check) throw new Error("no check");
      const outcome = await runArenaCheck(check, worktree);
      expect(outcome.status).toBe("failed");
      expect(outcome.exitCode).toBe(3);
      expect(outcome.tail).toContain(`cwd ${worktree}`);
      for (const secret of ["pw-value-xyz", "sidecar-value-xyz", "sk-value-xyz"]) expect(outcome.tail).not.toContain(secret);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("stops the check's whole process group at its time limit", async () => {
    const pidFile = path.join(dir, "helper.pid");
    const script = `const { spawn } = require("node:child_process"); const c = spawn("sleep", ["60"], { stdio: "ignore" }); require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); process.on("SIGTERM", () => {}); setInterval(() => {}, 1000);`;
    const worktree = await worktreeWith("slow", { check: [process.execPath, "-e", script] });
    const check = await readArenaCheck(worktree);
    if (!check) throw new Error("no check");
    const limit = new AbortController();
    const running = runArenaCheck(check, worktree, { limit: limit.signal, killGraceMs: 200 });
    await vi.waitFor(() => fs.access(pidFile), { timeout: 10_000 });
    const helper = Number(await fs.readFile(pidFile, "utf8"));
    expect(isRunning(helper)).toBe(true);
    limit.abort();
    const outcome = await running;
    expect(outcome.status).toBe("timed-out");
    await vi.waitFor(() => expect(isRunning(helper)).toBe(false), { timeout: 5_000 });
  });
});
