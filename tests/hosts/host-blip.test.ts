import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildOpencodeConfig } from "../../server/agents/opencode/opencode-config";
import { createAgentRuntime, type AgentRuntime } from "../../server/agents/runtime";
import type { Db } from "../../server/db";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { createRemoteOpencode } from "../../server/hosts/remote-opencode";
import { messageText } from "../../server/schemas/chat-event";
import { listMessages } from "../../server/services/chat/list-messages";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { scriptedSettings, waitForTask } from "../helpers/opencode-process";
import { startScriptedModelServer, type ScriptedModelServer } from "../helpers/scripted-model-server";
import { startTcpGate, type TcpGate } from "../helpers/tcp-gate";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { startTwoHosts, type TwoHosts } from "../helpers/two-hosts";

/**
 * "A host that drops mid-run: its running tasks resynchronise when it returns, or fail with the
 * reason in words after a bounded wait" (issue 20, docs/HOSTS.md "When a host goes away").
 *
 * Two real host services, A (home) and B; the web app reaches B only through a TCP gate the test
 * can cut like a network drop: every open connection (the event stream, the status polls, any SDK
 * request) is reset, and new ones fail until it is restored. B itself and its opencode keep running,
 * so the run goes on there while BooChat cannot see it.
 */
let model: ScriptedModelServer;
let repo: RepoFixture;
let testDb: TestDb;
let db: Db;
let two: TwoHosts;
let gate: TcpGate;
let sessionOnB: string;
const runtimes: AgentRuntime[] = [];

const log = (line: string) => {
  if (process.env.BOOCHAT_TEST_LOG) console.log(`[blip] ${new Date().toISOString().slice(14, 23)} ${line}`);
};

beforeAll(async () => {
  const started = await Promise.allSettled([startTwoHosts("blip"), startScriptedModelServer(), createRepoFixture(), createTestDb()]);
  const [h, m, r, t] = started;
  if (h.status === "fulfilled") two = h.value;
  if (m.status === "fulfilled") model = m.value;
  if (r.status === "fulfilled") repo = r.value;
  if (t.status === "fulfilled") testDb = t.value;
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  db = testDb.db;
  gate = await startTcpGate(Number(new URL(two.B.url).port));
  // Both opencodes up before the runtimes come (the configuration they will push, so no restart).
  await two.configureOpencode(buildOpencodeConfig(scriptedSettings(model.url, two.dirs.app)));
  // B's worktree, made by B (directly: the gate is for the runtime's traffic).
  const created = await two.B.request<{ path: string; branch: string }>("POST", "/v1/worktrees", { sessionId: "blip-on-b", repoPath: repo.clone });
  if (created.status !== 200) throw new Error(`B did not make the worktree: ${JSON.stringify(created.body)}`);
  sessionOnB = (await db.session.create({ data: { title: "On B" } })).id;
  await db.worktree.create({ data: { sessionId: sessionOnB, repoPath: repo.clone, path: created.body.path, branch: created.body.branch, host: "B" } });
}, 120_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  gate?.restore();
  await Promise.allSettled(runtimes.map((r) => r.stop()));
  await Promise.allSettled([two?.stop(), model?.close(), gate?.close()]);
  await Promise.allSettled([repo?.cleanup(), testDb?.cleanup()]);
});

/** A runtime over [A, B], B reached through the gate, with this loss timeout. */
async function runtimeWith(lossTimeoutMs: number): Promise<AgentRuntime> {
  const hosts = [two.config("A"), two.config("B", gate.url)];
  const settings = scriptedSettings(model.url, two.dirs.app);
  const config = buildOpencodeConfig(settings);
  const opencodeOf = (host: HostConfig) => createRemoteOpencode({ host, config, lossTimeoutMs, pollMs: 250, log: (line) => log(`${host.name}: ${line}`) });
  const runtime = createAgentRuntime({ db, settings, hosts, opencodeOf, scratchDir: path.join(two.dirs.app, "scratch"), log });
  runtimes.push(runtime);
  await runtime.start();
  return runtime;
}

async function stopRuntime(runtime: AgentRuntime) {
  await runtime.stop();
  runtimes.splice(runtimes.indexOf(runtime), 1);
}

const tabOnB = async (title: string) => (await db.chat.create({ data: { sessionId: sessionOnB, title } })).id;

async function answers(chatId: string): Promise<string[]> {
  return (await listMessages(db, chatId)).filter((m) => m.role === "assistant").map(messageText);
}

/** Resolves once the gate has been cut for `ms` (a timer the test sets, not a sleep to wait for something). */
const cutFor = (ms: number) =>
  new Promise<void>((resolve) => {
    gate.cut();
    setTimeout(() => {
      gate.restore();
      resolve();
    }, ms);
  });

describe("a host that drops mid-run", () => {
  it("resynchronises B's running tasks when B is back within the loss timeout: they succeed with the model's whole answer", async () => {
    const runtime = await runtimeWith(8_000);
    // One run whose answer goes on well after the cut (events before, during and after it), and one
    // whose answer ends while the gate is cut: only the resync after the reconnect can see its end.
    const long = ["Through ", "the ", "blip ", "B ", "kept ", "streaming ", "and ", "BooChat ", "caught ", "up."];
    const short = ["Ended ", "while ", "cut."];
    model.script("BLIP-LONG", [{ text: long, chunkDelayMs: 400 }]);
    model.script("BLIP-SHORT", [{ text: short, firstChunkDelayMs: 300, chunkDelayMs: 100 }]);
    const [chatLong, chatShort] = await Promise.all([tabOnB("long"), tabOnB("short")]);
    const [runLong, runShort] = await Promise.all([
      runtime.sendMessage({ chatId: chatLong, text: "BLIP-LONG" }),
      runtime.sendMessage({ chatId: chatShort, text: "BLIP-SHORT" }),
    ]);
    await Promise.all([model.waitForStep("BLIP-LONG", 0), model.waitForStep("BLIP-SHORT", 0)]);

    const before = gate.connections();
    await cutFor(2_000);
    const [doneLong, doneShort] = await Promise.all([waitForTask(db, runLong.taskId, 30_000), waitForTask(db, runShort.taskId, 30_000)]);
    expect([doneLong.status, doneLong.error]).toEqual(["succeeded", null]);
    expect([doneShort.status, doneShort.error]).toEqual(["succeeded", null]);
    expect(await answers(chatLong)).toEqual([long.join("")]);
    expect(await answers(chatShort)).toEqual([short.join("")]);
    // The runtime did reach B again through the gate (the event stream and the polls reconnected).
    expect(gate.connections()).toBeGreaterThan(before);
    await stopRuntime(runtime);
  });

  it("fails B's running task naming B after the loss timeout; once B is back its next run in the same tab succeeds", async () => {
    const lossTimeoutMs = 2_000;
    const runtime = await runtimeWith(lossTimeoutMs);
    const chatId = await tabOnB("lost");
    model.script("BLIP-LOST", [{ hangAfter: "B started " }]);
    const run = await runtime.sendMessage({ chatId, text: "BLIP-LOST" });
    await model.waitForStep("BLIP-LOST", 0);

    const cutAt = Date.now();
    gate.cut();
    let failed;
    try {
      failed = await waitForTask(db, run.taskId, 15_000);
    } finally {
      gate.restore();
    }
    const failedAfterMs = Date.now() - cutAt;
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^host "B" did not answer for \d+ s while this task was running/);
    expect(failedAfterMs).toBeGreaterThanOrEqual(lossTimeoutMs - 300);
    expect(failedAfterMs).toBeLessThan(lossTimeoutMs + 5_000);

    model.script("BLIP-AFTER", [{ tool: "write", args: { filePath: "after-blip.txt", content: "B is back\n" } }, { text: "B is back." }]);
    const next = await runtime.sendMessage({ chatId, text: "BLIP-AFTER" });
    const done = await waitForTask(db, next.taskId, 30_000);
    expect([done.status, done.error]).toEqual(["succeeded", null]);
    expect((await answers(chatId)).at(-1)).toBe("B is back.");
    const worktree = await db.worktree.findUniqueOrThrow({ where: { sessionId: sessionOnB } });
    expect(await fs.readFile(path.join(worktree.path, "after-blip.txt"), "utf8")).toBe("B is back\n");
    await stopRuntime(runtime);
  });
});
