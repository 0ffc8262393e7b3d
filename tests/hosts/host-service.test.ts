import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { createOpencodeClient } from "@opencode-ai/sdk/v2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildOpencodeConfig } from "../../server/agents/opencode/opencode-config";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../helpers/git-repos";
import { startHostService, type HostServiceProcess } from "../helpers/host-process";
import { scriptedSettings } from "../helpers/opencode-process";
import { startScriptedModelServer, type ScriptedModelServer } from "../helpers/scripted-model-server";
import { isRunning } from "../helpers/processes";

// One real host service (with its real opencode), one scripted model, one repository for the file.
let model: ScriptedModelServer;
let repo: RepoFixture;
let dataDir: string;
let host: HostServiceProcess;
let config: Record<string, unknown>;
const token = "host-token-" + "x".repeat(24);

type Status = {
  name: string;
  instance: string;
  load: number;
  cpus: number;
  worktreeRoot: string;
  opencode: { state: string; generation: number; configHash: string | null };
};
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  [model, repo, dataDir] = await Promise.all([startScriptedModelServer(), createRepoFixture(), makeTempDir("boochat-host-data-")]);
  config = buildOpencodeConfig(scriptedSettings(model.url, dataDir));
  host = await startHostService({ name: "build-1", worktreeRoot: repo.worktreeRoot, dataDir, token });
}, 60_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await host?.stop();
  await model?.close();
  await repo?.cleanup();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

/** The TCP sockets `pid` holds, as /proc/net shows them (addresses in hex; state 0A listening, 01 established). */
function socketsOf(pid: number): Array<{ local: string; remote: string; state: string; inode: string }> {
  const inodes = new Set(
    readdirLinks(`/proc/${pid}/fd`)
      .map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1])
      .filter((inode): inode is string => inode !== undefined),
  );
  const sockets = [];
  for (const table of ["tcp", "tcp6"]) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
      const [, local, remote, state, , , , , , inode] = line.trim().split(/\s+/);
      if (local && remote && state && inode && inodes.has(inode)) sockets.push({ local, remote, state, inode });
    }
  }
  return sockets;
}

/** The local addresses of every TCP socket `pid` listens on. */
function listeningAddresses(pid: number): string[] {
  return socketsOf(pid)
    .filter((socket) => socket.state === "0A")
    .map((socket) => socket.local);
}

/** The host service's open connections to its opencode (by their socket inodes). */
function connectionsToOpencode(hostPid: number, opencodePid: number): string[] {
  const ports = new Set(listeningAddresses(opencodePid).map((address) => address.slice(address.lastIndexOf(":"))));
  return socketsOf(hostPid)
    .filter((socket) => socket.state === "01" && ports.has(socket.remote.slice(socket.remote.lastIndexOf(":"))))
    .map((socket) => socket.inode);
}

/** The process groups of the opencode processes (the launcher and its binary share one) running on this data folder. */
function opencodeGroupsOf(data: string): number[] {
  const state = `XDG_DATA_HOME=${path.join(data, "opencode", "data")}`;
  const groups = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || !isRunning(Number(entry))) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(state)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      groups.add(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]));
    } catch {
      // gone meanwhile
    }
  }
  return [...groups];
}

function readdirLinks(dir: string): string[] {
  const links: string[] = [];
  for (const entry of readdirSync(dir)) {
    try {
      links.push(readlinkSync(path.join(dir, entry)));
    } catch {
      // closed meanwhile
    }
  }
  return links;
}

describe("the host service (boochat-host)", () => {
  it("refuses to start without a long enough BOOCHAT_HOST_TOKEN, in one line naming the setting", async () => {
    const refused = startHostService({ name: "no-token", worktreeRoot: repo.worktreeRoot, dataDir, token: "short" });
    await expect(refused).rejects.toThrow(/host: refusing to start: BOOCHAT_HOST_TOKEN is too short/);
  });

  it("answers 401 without the host token or with a wrong one, on its own routes, the sidecar's and the proxy", async () => {
    for (const bearer of [null, "wrong-token-wrong-token"]) {
      for (const [method, route, body] of [
        ["GET", "/v1/host/status", undefined],
        ["POST", "/v1/worktrees/risk", { paths: [] }],
        ["GET", "/v1/opencode/global/health", undefined],
        ["PUT", "/v1/opencode/config", { config }],
        ["POST", "/v1/agents/run", { agent: { name: "x", command: ["true"], prompt: "stdin", env: {} }, prompt: "x", directory: repo.worktreeRoot }],
        ["POST", "/v1/agents/stop", { run: "00000000-0000-4000-8000-000000000000" }],
        ["POST", "/v1/host/skills", { directory: repo.worktreeRoot }],
      ] as const) {
        const answer = await host.request<ErrorBody>(method, route, body, { token: bearer });
        expect(answer.status, `${method} ${route}`).toBe(401);
        expect(answer.body.error.code).toBe("unauthorized");
      }
    }
    // The sidecar's routes are there, behind the same token.
    expect((await host.request("POST", "/v1/worktrees/risk", { paths: [] })).status).toBe(200);
  });

  it("reports opencode unconfigured before the web app sends its configuration, and the proxy says why it cannot answer", async () => {
    const status = await host.request<Status>("GET", "/v1/host/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ name: "build-1", worktreeRoot: repo.worktreeRoot, opencode: { state: "unconfigured", generation: 0, configHash: null } });
    expect(status.body.instance).toMatch(/\S{8,}/);
    expect(status.body.cpus).toBeGreaterThan(0);
    expect(typeof status.body.load).toBe("number");
    const proxied = await host.request<ErrorBody>("GET", "/v1/opencode/global/health");
    expect(proxied.status).toBe(503);
    expect(proxied.body.error.code).toBe("opencode-unavailable");
    expect(proxied.body.error.message).toMatch(/configuration/);
  });

  it("starts opencode with the configuration it is sent, keeps it for the same one, and proxies to it", async () => {
    const first = await host.request<{ configHash: string; generation: number; state: string }>("PUT", "/v1/opencode/config", { config });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ state: "ready", generation: 1 });
    expect(first.body.configHash).toMatch(/^[0-9a-f]{64}$/);
    const pid = host.opencodePid();
    const again = await host.request("PUT", "/v1/opencode/config", { config });
    expect(again.body).toEqual(first.body);
    expect(host.opencodePid()).toBe(pid);
    const status = await host.request<Status>("GET", "/v1/host/status");
    expect(status.body.opencode).toEqual({ state: "ready", generation: 1, configHash: first.body.configHash });
    const health = await host.request<{ healthy: boolean }>("GET", "/v1/opencode/global/health");
    expect(health.status).toBe(200);
    expect(health.body.healthy).toBe(true);
    // A body that is no object is refused in words.
    const bad = await host.request<ErrorBody>("PUT", "/v1/opencode/config", { config: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^config:/);
  });

  it("passes opencode's event stream through event by event, and closes it upstream when the client goes", async () => {
    const opencodePid = host.opencodePid();
    if (opencodePid === null) throw new Error("no opencode");
    const before = new Set(connectionsToOpencode(host.pid, opencodePid));
    const stop = new AbortController();
    let streamed: string[] = [];
    try {
      const response = await fetch(`${host.url}/v1/opencode/global/event`, { headers: { authorization: `Bearer ${token}` }, signal: stop.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
      expect(response.headers.get("content-encoding")).toBeNull();
      const reader = response.body?.getReader();
      if (!reader) throw new Error("no body");
      let text = "";
      while (!text.includes("\n\n")) {
        const { value, done } = await reader.read();
        expect(done, "the stream ended before its first event").toBe(false);
        text += new TextDecoder().decode(value);
      }
      expect(text).toMatch(/^data: \{.*"type":"server\.connected"/m);
      streamed = connectionsToOpencode(host.pid, opencodePid).filter((inode) => !before.has(inode));
    } finally {
      stop.abort();
    }
    expect(streamed).toHaveLength(1);
    await vi.waitFor(() => expect(connectionsToOpencode(host.pid, opencodePid)).not.toContain(streamed[0]), { timeout: 5_000, interval: 50 });
  });

  it("runs a scripted prompt through the proxy with the opencode SDK: the tool writes in the host's scratch folder", async () => {
    const scratch = await host.request<{ path: string }>("POST", "/v1/host/scratch", { id: "chat-1" });
    expect(scratch.status).toBe(200);
    expect(scratch.body.path).toBe(path.join(dataDir, "scratch", "chat-1"));
    expect((await fs.stat(scratch.body.path)).mode & 0o777).toBe(0o700);

    const client = createOpencodeClient({ baseUrl: `${host.url}/v1/opencode`, headers: { authorization: `Bearer ${token}` } });
    const directory = scratch.body.path;
    const created = await client.session.create({ directory, title: "through the host" });
    const sessionID = created.data?.id;
    expect(sessionID, JSON.stringify(created.error)).toBeDefined();
    if (!sessionID) return;
    const file = path.join(directory, "hello.txt");
    model.script("HOST-WRITE", [{ tool: "write", args: { filePath: file, content: "written on build-1\n" } }, { text: "Wrote it." }]);
    const answered = await client.session.prompt({
      sessionID,
      directory,
      parts: [{ type: "text", text: "HOST-WRITE: write hello.txt" }],
      model: { providerID: "mock", modelID: "mock-1" },
    });
    expect(answered.error, JSON.stringify(answered.error)).toBeUndefined();
    expect(await fs.readFile(file, "utf8")).toBe("written on build-1\n");
  });

  it("probes repositories the way worktree creation checks them", async () => {
    const usable = await host.request("POST", "/v1/host/probe", { repoPath: repo.clone });
    expect(usable).toMatchObject({ status: 200, body: { repoPath: repo.clone, usable: true, reason: null } });
    const missing = path.join(repo.base, "nowhere");
    expect((await host.request("POST", "/v1/host/probe", { repoPath: missing })).body).toEqual({
      repoPath: missing,
      usable: false,
      reason: `repoPath: ${missing} does not exist`,
    });
    expect((await host.request("POST", "/v1/host/probe", { repoPath: repo.home })).body).toEqual({
      repoPath: repo.home,
      usable: false,
      reason: `repoPath: ${repo.home} is not a git repository`,
    });
    const relative = await host.request<{ usable: boolean; reason: string }>("POST", "/v1/host/probe", { repoPath: "clone" });
    expect(relative.body).toMatchObject({ usable: false, reason: expect.stringMatching(/absolute path/) });
    const malformed = await host.request<ErrorBody>("POST", "/v1/host/probe", { repoPath: 7 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/^repoPath:/);
  });

  it("refuses a scratch id that could name another folder, naming the id", async () => {
    for (const id of ["../x", "", "a/b", "x".repeat(65)]) {
      const answer = await host.request<ErrorBody>("POST", "/v1/host/scratch", { id });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^id:/);
    }
  });

  it("never hands the host token to opencode, and opencode listens on 127.0.0.1 only", async () => {
    const pid = host.opencodePid();
    expect(pid).not.toBeNull();
    if (pid === null) return;
    expect(readFileSync(`/proc/${pid}/environ`, "utf8")).not.toContain(token);
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).not.toContain(token);
    expect(readFileSync(`/proc/${host.pid}/cmdline`, "utf8")).not.toContain(token);
    const addresses = listeningAddresses(pid);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(/^0100007F:/);
  });

  it("serialises configuration PUTs sent at once: each answers, the one that ran last is what runs, and one opencode is left", async () => {
    const configs = [config, { ...config, share: "manual" }, { ...config, autoupdate: "notify" }];
    const answers = await Promise.all(configs.map((body) => host.request<{ configHash: string; generation: number; state: string }>("PUT", "/v1/opencode/config", { config: body })));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // Each answer is the state right after its own configuration started (or was kept): distinct generations.
    const generations = answers.map((answer) => answer.body.generation);
    expect(new Set(generations).size).toBe(generations.length);
    const last = answers.reduce((a, b) => (b.body.generation > a.body.generation ? b : a));
    const status = await host.request<Status>("GET", "/v1/host/status");
    expect(status.body.opencode).toEqual({ state: "ready", generation: last.body.generation, configHash: last.body.configHash });
    // The retired ones' groups get SIGKILL last: allow them the moment to go.
    await vi.waitFor(() => expect(opencodeGroupsOf(dataDir)).toEqual([host.opencodePid()]), { timeout: 5_000, interval: 50 });
  });

  it("after a SIGKILL of the host service, the next start on the same data folder stops the opencode it left", async () => {
    const before = await host.request<Status>("GET", "/v1/host/status");
    const leftover = host.opencodePid();
    expect(leftover).not.toBeNull();
    if (leftover === null) return;
    const gone = host.exited;
    process.kill(host.pid, "SIGKILL");
    await gone;
    expect(isRunning(leftover)).toBe(true);

    host = await startHostService({ name: "build-1", worktreeRoot: repo.worktreeRoot, dataDir, token });
    const put = await host.request<{ state: string; generation: number }>("PUT", "/v1/opencode/config", { config });
    expect(put.body).toMatchObject({ state: "ready", generation: 1 });
    expect(isRunning(leftover)).toBe(false);
    const after = await host.request<Status>("GET", "/v1/host/status");
    expect(after.body.instance).not.toBe(before.body.instance);

    // stop() stops the new opencode too.
    const current = host.opencodePid();
    expect(current).not.toBeNull();
    await host.stop();
    expect(current !== null && isRunning(current)).toBe(false);
  });
});
