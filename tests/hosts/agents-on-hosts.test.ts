import fs from "node:fs/promises";
import path from "node:path";
import { createOpencodeClient } from "@opencode-ai/sdk/v2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildOpencodeConfig } from "../../server/agents/opencode/opencode-config";
import { createAgentRuntime, type AgentRuntime } from "../../server/agents/runtime";
import type { Db } from "../../server/db";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { createRemoteOpencode } from "../../server/hosts/remote-opencode";
import { messageText } from "../../server/schemas/chat-event";
import { listMessages } from "../../server/services/chat/list-messages";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import type { HostServiceProcess } from "../helpers/host-process";
import { scriptedSettings, waitForTask } from "../helpers/opencode-process";
import { startScriptedModelServer, type ScriptedModelServer } from "../helpers/scripted-model-server";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { startTwoHosts, type TwoHosts } from "../helpers/two-hosts";

// Two real host services (A and B, each with its own worktree root, data folder, port and real
// opencode), one scripted model, and a runtime whose hosts are [A, B]: A is the home host.
const LOSS_TIMEOUT_MS = 3_000;

let model: ScriptedModelServer;
let repo: RepoFixture;
let testDb: TestDb;
let db: Db;
let two: TwoHosts;
let runtime: AgentRuntime;
let worktreeB: string;
let sessionOnB: string;

const log = (line: string) => {
  if (process.env.BOOCHAT_TEST_LOG) console.log(`[agents] ${new Date().toISOString().slice(14, 23)} ${line}`);
};

beforeAll(async () => {
  [model, repo, testDb, two] = await Promise.all([startScriptedModelServer(), createRepoFixture(), createTestDb(), startTwoHosts("hosts")]);
  db = testDb.db;
  const hosts = [two.config("A"), two.config("B")];
  const settings = scriptedSettings(model.url, two.dirs.app);
  const config = buildOpencodeConfig(settings);
  const opencodeOf = (host: HostConfig) => createRemoteOpencode({ host, config, lossTimeoutMs: LOSS_TIMEOUT_MS, pollMs: 250, log });
  runtime = createAgentRuntime({ db, settings, hosts, opencodeOf, scratchDir: path.join(two.dirs.app, "scratch"), log });
  await runtime.start();
  const created = await two.B.request<{ path: string; branch: string }>("POST", "/v1/worktrees", { sessionId: "on-b", repoPath: repo.clone });
  if (created.status !== 200) throw new Error(`B did not make the worktree: ${JSON.stringify(created.body)}`);
  worktreeB = created.body.path;
  sessionOnB = (await db.session.create({ data: { title: "On B" } })).id;
  await db.worktree.create({ data: { sessionId: sessionOnB, repoPath: repo.clone, path: worktreeB, branch: created.body.branch, host: "B" } });
}, 120_000);

vi.setConfig({ testTimeout: 90_000 });

afterAll(async () => {
  await runtime?.stop();
  await Promise.allSettled([two?.stop(), model?.close()]);
  await Promise.allSettled([repo?.cleanup(), testDb?.cleanup()]);
});

/** A new tab of the session on host B (its worktrees row says "B"), or of a new chat-only session. */
async function tabOn(where: "B" | "chat-only", title = "Tab"): Promise<string> {
  const sessionId = where === "B" ? sessionOnB : (await db.session.create({ data: { title } })).id;
  return (await db.chat.create({ data: { sessionId, title } })).id;
}

/** Every file below `dir`, relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** Whether the opencode behind a host service has this session (asked through the host's proxy). */
async function hostKnowsSession(host: HostServiceProcess, sessionID: string, directory: string): Promise<boolean> {
  const client = createOpencodeClient({ baseUrl: `${host.url}/v1/opencode`, headers: { authorization: `Bearer ${host.token}` } });
  return (await client.session.get({ sessionID, directory })).data !== undefined;
}

async function lastAnswer(chatId: string): Promise<string | undefined> {
  return (await listMessages(db, chatId)).filter((m) => m.role === "assistant").map(messageText).at(-1);
}

describe("agent runs on the host of their session", () => {
  it("runs a tab of a session on host B in B's worktree, through B's opencode, and writes nothing under A's root", async () => {
    const chatId = await tabOn("B");
    expect(await runtime.hostOfChat(chatId)).toBe("B");
    // A relative path: opencode writes it in the session's folder, so where it lands is where the run ran.
    model.script("WRITE-ON-B", [{ tool: "write", args: { filePath: "from-b.txt", content: "written on B\n" } }, { text: "Wrote it on B." }]);
    const { taskId } = await runtime.sendMessage({ chatId, text: "WRITE-ON-B" });
    const done = await waitForTask(db, taskId, 60_000);
    expect([done.status, done.error]).toEqual(["succeeded", null]);
    expect(await fs.readFile(path.join(worktreeB, "from-b.txt"), "utf8")).toBe("written on B\n");
    expect((await filesUnder(two.dirs.rootA)).filter((f) => f.endsWith("from-b.txt"))).toEqual([]);
    const row = await db.agentSession.findUniqueOrThrow({ where: { chatId_agent: { chatId, agent: "opencode" } } });
    expect(await hostKnowsSession(two.B, row.externalId, worktreeB)).toBe(true);
    expect(await hostKnowsSession(two.A, row.externalId, worktreeB)).toBe(false);
  });

  it("runs a chat-only tab on the home host A, in a scratch folder A gives", async () => {
    const chatId = await tabOn("chat-only", "Chat only");
    expect(await runtime.hostOfChat(chatId)).toBe("A");
    model.script("WRITE-ON-A", [{ tool: "write", args: { filePath: "from-a.txt", content: "written on A\n" } }, { text: "Wrote it on A." }]);
    const { taskId } = await runtime.sendMessage({ chatId, text: "WRITE-ON-A" });
    expect((await waitForTask(db, taskId, 60_000)).status).toBe("succeeded");
    const directory = await runtime.chatDirectory(chatId);
    expect(directory).toMatchObject({ host: "A", scratch: true });
    expect(directory.path.startsWith(path.join(two.dirs.dataA, "scratch") + path.sep)).toBe(true);
    expect(await fs.readFile(path.join(directory.path, "from-a.txt"), "utf8")).toBe("written on A\n");
    expect((await filesUnder(two.dirs.rootB)).filter((f) => f.endsWith("from-a.txt"))).toEqual([]);
  });

  it("a killed host B fails only B's running task, in words, within the loss timeout; A's run goes on; B's next run works once B is back", async () => {
    const onB = await tabOn("B", "B's tab");
    const onA = await tabOn("chat-only", "A's tab");
    model.script("HANG-ON-B", [{ hangAfter: "B started " }]);
    model.script("SLOW-ON-A", [{ text: ["A ", "keeps ", "going ", "while ", "B ", "is ", "gone."], chunkDelayMs: 300 }]);
    const [runB, runA] = await Promise.all([runtime.sendMessage({ chatId: onB, text: "HANG-ON-B" }), runtime.sendMessage({ chatId: onA, text: "SLOW-ON-A" })]);
    await Promise.all([model.waitForStep("HANG-ON-B", 0), model.waitForStep("SLOW-ON-A", 0)]);

    const port = Number(new URL(two.B.url).port);
    const killedAt = Date.now();
    await two.B.kill();
    const failed = await waitForTask(db, runB.taskId, 30_000);
    const failedAfterMs = Date.now() - killedAt;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^host "B" did not answer for \d+ s while this task was running/);
    // The loss timeout, one poll and the time to write the end; never a run left waiting for ever.
    expect(failedAfterMs).toBeGreaterThanOrEqual(LOSS_TIMEOUT_MS - 300);
    expect(failedAfterMs).toBeLessThan(LOSS_TIMEOUT_MS + 5_000);

    const doneA = await waitForTask(db, runA.taskId, 30_000);
    expect([doneA.status, doneA.error]).toEqual(["succeeded", null]);
    expect(await lastAnswer(onA)).toBe("A keeps going while B is gone.");

    await two.restart("B", port);
    model.script("AFTER-B-RESTART", [{ tool: "write", args: { filePath: "after-restart.txt", content: "B is back\n" } }, { text: "B is back." }]);
    const next = await runtime.sendMessage({ chatId: onB, text: "AFTER-B-RESTART" });
    const doneB = await waitForTask(db, next.taskId, 60_000);
    expect([doneB.status, doneB.error]).toEqual(["succeeded", null]);
    expect(await lastAnswer(onB)).toBe("B is back.");
    expect(await fs.readFile(path.join(worktreeB, "after-restart.txt"), "utf8")).toBe("B is back\n");
  });
});
