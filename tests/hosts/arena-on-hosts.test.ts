import fs from "node:fs/promises";
import path from "node:path";
import { createOpencodeClient } from "@opencode-ai/sdk/v2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildOpencodeConfig } from "../../server/agents/opencode/opencode-config";
import { createAgentRuntime, type AgentRuntime } from "../../server/agents/runtime";
import type { Db } from "../../server/db";
import { createHostRouter } from "../../server/hosts/host-router";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { createRemoteOpencode } from "../../server/hosts/remote-opencode";
import { exists, makeUserRepo } from "../helpers/git-workdir";
import type { HostServiceProcess } from "../helpers/host-process";
import { scriptedSettings, waitForTask } from "../helpers/opencode-process";
import { startScriptedModelServer, type ScriptedModelServer } from "../helpers/scripted-model-server";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc-caller";
import { startTwoHosts, type TwoHosts } from "../helpers/two-hosts";

/**
 * "An arena across both is not allowed to mix hosts silently (entries go to the origin session's
 * host)" (issue 20). Two real host services A (home) and B, a runtime over both, the API over a
 * host router: an arena started from a session on B makes every entry's worktree on B, runs every
 * entry's agent on B's opencode, and its delete removes them from B; A is never touched.
 */
let model: ScriptedModelServer;
let repo: Awaited<ReturnType<typeof makeUserRepo>>;
let testDb: TestDb;
let db: Db;
let two: TwoHosts;
let runtime: AgentRuntime | undefined;
let api: ReturnType<typeof callerFor>;

const log = (line: string) => {
  if (process.env.BOOCHAT_TEST_LOG) console.log(`[arena] ${new Date().toISOString().slice(14, 23)} ${line}`);
};

const host = (name: "A" | "B"): HostServiceProcess => two[name];

beforeAll(async () => {
  const started = await Promise.allSettled([startTwoHosts("arena-hosts"), startScriptedModelServer(), makeUserRepo(), createTestDb()]);
  const [h, m, r, t] = started;
  if (h.status === "fulfilled") two = h.value;
  if (m.status === "fulfilled") model = m.value;
  if (r.status === "fulfilled") repo = r.value;
  if (t.status === "fulfilled") testDb = t.value;
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  db = testDb.db;

  const configs = [two.config("A"), two.config("B")];
  const settings = scriptedSettings(model.url, two.dirs.app);
  const config = buildOpencodeConfig(settings);
  // Both opencodes up at once (the configuration the runtime pushes, so it finds them ready).
  await two.configureOpencode(config);
  const opencodeOf = (h: HostConfig) => createRemoteOpencode({ host: h, config, pollMs: 500, log: (line) => log(`${h.name}: ${line}`) });
  runtime = createAgentRuntime({ db, settings, hosts: configs, opencodeOf, scratchDir: path.join(two.dirs.app, "scratch"), log });
  await runtime.start();
  api = callerFor(db, { sidecar: createHostRouter({ db, hosts: configs }), agents: runtime, riskTimeoutMs: 10_000 });
}, 120_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await runtime?.stop();
  await Promise.allSettled([two?.stop(), model?.close()]);
  await Promise.allSettled([repo?.cleanup(), testDb?.cleanup()]);
});

/** Every entry (file or folder) below `dir`, relative. */
async function entriesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Whether the opencode behind a host service has this session (asked through the host's proxy). */
async function hostKnowsSession(h: HostServiceProcess, sessionID: string, directory: string): Promise<boolean> {
  const client = createOpencodeClient({ baseUrl: `${h.url}/v1/opencode`, headers: { authorization: `Bearer ${h.token}` } });
  return (await client.session.get({ sessionID, directory })).data !== undefined;
}

const under = (root: string, p: string | null | undefined) => !!p && p.startsWith(root + path.sep);

describe("an arena with two hosts", () => {
  it("puts every entry on the origin session's host B (worktrees, agents, delete) and nothing on A", async () => {
    const origin = await api.session.create({ title: "Race on B", repoPath: repo.repo, host: "B" });
    expect(origin.host).toBe("B");
    expect(under(host("B").worktreeRoot, origin.worktree?.path)).toBe(true);

    // Each entry writes a file named after its model, relative: opencode writes it in the folder it runs in.
    model.script("ARENA-ON-B", [
      (request) => ({ tool: "write", args: { filePath: `answer-${request.model}.txt`, content: `answer by ${request.model}\n` } }),
      (request) => ({ text: `done by ${request.model}` }),
    ]);
    const arena = await api.arena.create({
      sessionId: origin.id,
      prompt: "ARENA-ON-B: write your answer",
      agents: [{ model: "mock/mock-1" }, { model: "mock/mock-2" }],
    });
    expect(arena.entries.map((e) => e.model)).toEqual(["mock/mock-1", "mock/mock-2"]);

    const entries = arena.entries.map((entry, index) => {
      if (!entry.worktreePath || !entry.chatId || !entry.task) throw new Error(`entry ${index + 1} has no worktree, tab or task`);
      return { sessionId: entry.sessionId, chatId: entry.chatId, taskId: entry.task.id, path: entry.worktreePath, modelId: `mock-${index + 1}` };
    });
    for (const entry of entries) {
      // Recorded on B, under B's root, and said so.
      const row = await db.worktree.findUniqueOrThrow({ where: { sessionId: entry.sessionId } });
      expect([row.host, row.path, row.purpose]).toEqual(["B", entry.path, "arena"]);
      expect(under(host("B").worktreeRoot, row.path)).toBe(true);
      expect((await fs.stat(entry.path)).isDirectory()).toBe(true);
      expect((await api.session.get({ id: entry.sessionId })).host).toBe("B");
      expect(await runtime?.hostOfChat(entry.chatId)).toBe("B");
    }
    // Nothing was made under A's root: no worktree, no folder.
    expect(await entriesUnder(two.dirs.rootA)).toEqual([]);

    const done = await Promise.all(entries.map((entry) => waitForTask(db, entry.taskId, 45_000)));
    expect(done.map((t) => [t.status, t.error])).toEqual([
      ["succeeded", null],
      ["succeeded", null],
    ]);
    for (const entry of entries) {
      // The agent ran in the entry's own worktree on B, through B's opencode.
      expect(await fs.readFile(path.join(entry.path, `answer-${entry.modelId}.txt`), "utf8")).toBe(`answer by ${entry.modelId}\n`);
      const agentSession = await db.agentSession.findUniqueOrThrow({ where: { chatId_agent: { chatId: entry.chatId, agent: "opencode" } } });
      expect(await hostKnowsSession(host("B"), agentSession.externalId, entry.path)).toBe(true);
      expect(await hostKnowsSession(host("A"), agentSession.externalId, entry.path)).toBe(false);
    }
    // Nothing of the arena landed in the origin's worktree, nor anywhere under A's root.
    expect((await entriesUnder(origin.worktree?.path ?? "")).filter((f) => f.startsWith("answer-"))).toEqual([]);
    expect(await entriesUnder(two.dirs.rootA)).toEqual([]);

    // Each entry is measured by its worktree's host (A would refuse a path outside its root).
    let measured = await api.arena.get({ id: arena.id });
    for (const deadline = Date.now() + 15_000; measured.entries.some((e) => !e.evidence) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      measured = await api.arena.get({ id: arena.id });
    }
    expect(measured.entries.map((e) => (e.evidence ? [e.evidence.error, e.evidence.filesChanged] : "unmeasured"))).toEqual([
      [null, 1],
      [null, 1],
    ]);

    // Clean entries (their answers taken back), runs over: deleting the origin removes every entry's worktree from B.
    for (const entry of entries) await fs.rm(path.join(entry.path, `answer-${entry.modelId}.txt`));
    const deleted = await api.session.delete({ id: origin.id });
    expect(deleted).toMatchObject({ deleted: true, worktree: { path: origin.worktree?.path, outcome: "removed" } });
    expect(deleted.entrySessions?.map((e) => [e.id, e.worktree?.outcome]).sort()).toEqual(entries.map((e) => [e.sessionId, "removed"]).sort());
    for (const entry of entries) expect(await exists(entry.path)).toBe(false);
    expect(await exists(origin.worktree?.path ?? "")).toBe(false);
    expect(await db.session.count({ where: { id: { in: [origin.id, ...entries.map((e) => e.sessionId)] } } })).toBe(0);
    expect(await entriesUnder(two.dirs.rootA)).toEqual([]);
    // B's own git no longer lists the entries' worktrees.
    const listed = await repo.git(repo.repo, "worktree", "list", "--porcelain");
    for (const entry of entries) expect(listed).not.toContain(entry.path);
  });
});
