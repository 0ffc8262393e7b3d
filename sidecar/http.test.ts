import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/** The HTTP surface: token, errors that say what is wrong, a server that keeps serving, the audit log. */

type ErrorBody = { error: { code: string; message: string } };

let repo: RepoFixture;
let sidecar: SidecarProcess;
let worktree: string;
let gitCallLog: string;

beforeAll(async () => {
  repo = await createRepoFixture();
  worktree = await repo.addWorktree("plain");
  // A `git` first on PATH that notes every run before handing over to the real one: the audit log must match it.
  const realGit = (await execa("sh", ["-c", "command -v git"])).stdout.trim();
  const bin = path.join(repo.base, "bin");
  gitCallLog = path.join(repo.base, "git-calls.log");
  await mkdir(bin);
  await writeFile(path.join(bin, "git"), `#!/bin/sh\necho "$*" >> '${gitCallLog}'\nexec '${realGit}' "$@"\n`);
  await chmod(path.join(bin, "git"), 0o755);
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot, env: { PATH: `${bin}:${process.env.PATH ?? ""}` } });
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

async function stillServing(): Promise<void> {
  const health = await sidecar.request<{ ok: boolean }>("GET", "/healthz");
  expect(health.status).toBe(200);
  const risk = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [worktree] });
  expect(risk.status).toBe(200);
  expect(risk.body.reports[0]?.status).toBe("clean");
}

describe("sidecar HTTP API", () => {
  it("answers /healthz without a token, and says nothing but that it is up", async () => {
    const response = await sidecar.request<{ ok: boolean }>("GET", "/healthz", undefined, { token: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
  });

  it("refuses every other request without the right token", async () => {
    for (const token of [null, "wrong", `${sidecar.token}x`, sidecar.token.slice(1)]) {
      const risk = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/risk", { paths: [worktree] }, { token });
      expect(risk.status).toBe(401);
      expect(risk.body.error.code).toBe("unauthorized");
      const unknown = await sidecar.request<ErrorBody>("GET", "/anything", undefined, { token });
      expect(unknown.status).toBe(401);
    }
    const basic = await sidecar.request("POST", "/v1/worktrees/risk", { paths: [] }, { token: null, headers: { authorization: `Basic ${sidecar.token}` } });
    expect(basic.status).toBe(401);
  });

  it("answers an unknown route with 404 and a wrong method with 405", async () => {
    const missing = await sidecar.request<ErrorBody>("GET", "/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not-found");
    const wrongMethod = await sidecar.request<ErrorBody>("GET", "/v1/worktrees/risk");
    expect(wrongMethod.status).toBe(405);
  });

  it("answers malformed JSON with 400 and keeps serving", async () => {
    for (const rawBody of ["{not json", "", "[1,"]) {
      const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/risk", undefined, { rawBody });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("invalid-json");
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    await stillServing();
  });

  it("answers a body over 1 MB with 413 and keeps serving", async () => {
    const rawBody = JSON.stringify({ paths: [worktree], padding: "x".repeat(1024 * 1024) });
    const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/risk", undefined, { rawBody });
    expect(response.status).toBe(413);
    expect(response.body.error.message).toMatch(/larger than 1048576 bytes/);
    await stillServing();
  });

  it("names the field that is wrong", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["/v1/worktrees/risk", { paths: "nope" }, /^paths: /],
      ["/v1/worktrees/risk", { paths: [worktree, 3] }, /^paths\.1: must be a string/],
      ["/v1/worktrees/risk", { paths: ["relative/dir"] }, /^paths\.0: must be an absolute path/],
      ["/v1/worktrees/risk", [], /^body: .*expected object/],
      ["/v1/worktrees/stash", { path: worktree }, /^message: /],
      ["/v1/worktrees/remove", {}, /^path: /],
      ["/v1/worktrees", { sessionId: "../escape", repoPath: repo.clone }, /^sessionId: /],
      ["/v1/worktrees", { sessionId: "ok", repoPath: repo.clone, branch: "--force" }, /^branch: must not start with '-'/],
    ];
    for (const [route, body, message] of cases) {
      const response = await sidecar.request<ErrorBody>("POST", route, body);
      expect(response.status, route).toBe(400);
      expect(response.body.error.code).toBe("invalid-input");
      expect(response.body.error.message).toMatch(message);
    }
    await stillServing();
  });

  it("refuses paths outside the worktree root, also through ..", async () => {
    const outside = [repo.clone, "/etc", `${repo.worktreeRoot}/../clone`, repo.worktreeRoot];
    for (const candidate of outside) {
      for (const [route, body] of [
        ["/v1/worktrees/risk", { paths: [worktree, candidate] }],
        ["/v1/worktrees/stash", { path: candidate, message: "m" }],
        ["/v1/worktrees/remove", { path: candidate }],
      ] as const) {
        const response = await sidecar.request<ErrorBody>("POST", route, body);
        expect(response.status, `${route} ${candidate}`).toBe(400);
        expect(response.body.error.code).toBe("outside-worktree-root");
        expect(response.body.error.message).toContain(`is outside the worktree root ${repo.worktreeRoot}`);
      }
    }
    await stillServing();
  });

  it("writes one audit line for every git call it makes", async () => {
    await sidecar.request("POST", "/v1/worktrees/risk", { paths: [worktree, worktree] });
    const calls = (await readFile(gitCallLog, "utf8")).trim().split("\n");
    const lines = (await readFile(sidecar.auditLogPath, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { ts: string; argv: string; env: Record<string, string>; cwd: string; exitCode: number | null; ms: number });
    expect(lines.length).toBeGreaterThan(10);
    expect(lines).toHaveLength(calls.length);
    for (const line of lines) {
      expect(line).toEqual({
        ts: expect.any(String),
        argv: expect.stringMatching(/^git -C \S+ --no-optional-locks /),
        env: expect.objectContaining({ GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_KEY_0: "core.fsmonitor", GIT_CONFIG_VALUE_0: "false" }),
        cwd: expect.any(String),
        exitCode: expect.any(Number),
        ms: expect.any(Number),
      });
      // The hardening travels in the environment, never as `-c` (which a name holding "=" escapes).
      expect(line.argv).not.toMatch(/ -c /);
      expect(line.env).not.toHaveProperty("PATH");
    }
    expect(lines.some((line) => line.argv.includes("status --porcelain=v2"))).toBe(true);
    expect((await stat(sidecar.auditLogPath)).mode & 0o777).toBe(0o600);
  });
});

describe("sidecar process", () => {
  it("generates a token into the data folder when none is set, keeps it, and stops on SIGTERM", async () => {
    const dataDir = await makeTempDir("boochat-token-");
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startSidecar({ worktreeRoot: repo.worktreeRoot, dataDir, token: null });
    const tokenFile = path.join(dataDir, "sidecar-token");
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect((await first.request("POST", "/v1/worktrees/risk", { paths: [] })).status).toBe(200);
    await first.stop();
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = await startSidecar({ worktreeRoot: repo.worktreeRoot, dataDir, token: null });
    expect(second.token).toBe(first.token);
    await second.stop();
  });
});
