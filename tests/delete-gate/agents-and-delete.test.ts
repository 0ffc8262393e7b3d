import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppError } from "../../server/errors";
import { createSidecarClient } from "../../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";
import { startTogether } from "../helpers/start-together";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";
import { callerFor, trpcError } from "../helpers/trpc-caller";
import { isRunning } from "../helpers/processes";

// No agent outlives its session: the real opencode serve, an external agent, the real sidecar.
let repo: RepoFixture;
let h: AgentHarness;
let sidecar: SidecarProcess;
let pidFile: string;
const stubborn = path.join(import.meta.dirname, "..", "agents", "fixtures", "stubborn-agent.mjs");

beforeAll(async () => {
  repo = await createRepoFixture();
  [h, sidecar] = await startTogether<[AgentHarness, SidecarProcess]>([
    startAgentHarness({ externalAgents: [{ name: "stubborn", command: [process.execPath, stubborn], prompt: "stdin", env: {} }] }),
    startSidecar({ worktreeRoot: repo.worktreeRoot }),
  ]);
  pidFile = path.join(h.dataDir, "stubborn.pid");
  const agent = h.settings.externalAgents.find((a) => a.name === "stubborn");
  if (agent) agent.env = { BOOCHAT_TEST_PID_FILE: pidFile };
}, 90_000);

vi.setConfig({ testTimeout: 90_000 });

afterAll(async () => {
  await Promise.allSettled([h?.cleanup(), sidecar?.stop()]);
  await repo?.cleanup();
});

function api() {
  return callerFor(h.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), agents: h.runtime, riskTimeoutMs: 10_000 });
}

async function opencodeKnows(externalId: string): Promise<boolean> {
  const found = await h.opencode.client.session.get({ sessionID: externalId });
  return found.data !== undefined;
}

/** A session with a worktree whose tab's agent writes a file, then streams a long answer. */
async function sessionWithLongRun(marker: string) {
  const session = await api().session.create({ title: `Long run ${marker}`, repoPath: repo.clone });
  const [tab] = await api().chat.list({ sessionId: session.id });
  if (!tab || !session.worktree) throw new Error("no tab or worktree");
  const worktree = session.worktree.path;
  h.model.script(marker, [
    { tool: "write", args: { filePath: path.join(worktree, "partial.txt"), content: "the agent's last write\n" } },
    { text: Array.from({ length: 300 }, (_, i) => `word${i} `), chunkDelayMs: 100 },
  ]);
  const { taskId } = await api().coder.message({ chatId: tab.id, text: `${marker}: write then talk` });
  await h.model.waitForStep(marker, 1, 60_000);
  return { session, tab, worktree, taskId };
}

describe("a session whose agents are running", () => {
  it("is not deleted while its agent runs (runningTasks); force stops the agent, ends its opencode session and keeps the worktree as an orphan", async () => {
    const { session, tab, worktree, taskId } = await sessionWithLongRun("FORCE-WHILE-RUNNING");
    const refused = await trpcError(api().session.delete({ id: session.id }));
    expect(refused.code).toBe("CONFLICT");
    expect((refused.cause as AppError).data).toEqual({
      runningTasks: [{ taskId, chatId: tab.id, chatTitle: "Tab 1", agent: "opencode", sessionId: session.id }],
      riskReports: [],
    });
    const row = await h.db.agentSession.findUnique({ where: { chatId_agent: { chatId: tab.id, agent: "opencode" } } });
    expect(row && (await opencodeKnows(row.externalId))).toBe(true);

    expect(await api().session.delete({ id: session.id, force: true })).toEqual({
      deleted: true,
      worktree: { path: worktree, outcome: "kept-as-orphan" },
    });
    expect(await h.getTask(taskId)).toMatchObject({ status: "cancelled" });
    expect(await opencodeKnows(row?.externalId ?? "")).toBe(false);
    expect(await fs.readFile(path.join(worktree, "partial.txt"), "utf8")).toBe("the agent's last write\n");
    expect((await api().worktree.orphans()).map((o) => o.path)).toContain(worktree);
  });

  it("Stop agents ends the run; the next delete then shows the work it left at risk", async () => {
    const { session, taskId, worktree } = await sessionWithLongRun("STOP-THEN-DELETE");
    const { stopped } = await api().session.stopAgents({ id: session.id });
    expect(stopped.map((t) => t.taskId)).toEqual([taskId]);
    expect(await h.getTask(taskId)).toMatchObject({ status: "cancelled" });
    const refused = await trpcError(api().session.delete({ id: session.id }));
    const data = (refused.cause as AppError).data;
    expect(data.runningTasks).toBeUndefined();
    expect(data.riskReports?.[0]).toMatchObject({ path: worktree, status: "at-risk" });
    expect(data.riskReports?.[0]?.dirty.files).toContain("partial.txt");
    await api().session.delete({ id: session.id, force: true });
  });

  it("force kills an external agent that will not stop, within the stop bound", async () => {
    await fs.rm(pidFile, { force: true });
    const session = await api().session.create({ title: "Stubborn agent" });
    const [tab] = await api().chat.list({ sessionId: session.id });
    const { taskId } = await api().coder.message({ chatId: tab?.id ?? "", text: "keep going", agent: "stubborn" });
    await vi.waitFor(() => fs.access(pidFile), { timeout: 10_000 });
    const pid = Number(await fs.readFile(pidFile, "utf8"));
    expect(isRunning(pid)).toBe(true);
    await api().session.delete({ id: session.id, force: true });
    expect(await h.getTask(taskId)).toMatchObject({ status: "cancelled" });
    expect(isRunning(pid)).toBe(false);
  });

  it("closing a tab stops its running agent the same way", async () => {
    const { session, tab, taskId } = await sessionWithLongRun("CLOSE-WHILE-RUNNING");
    await api().chat.close({ id: tab.id });
    expect(await h.getTask(taskId)).toMatchObject({ status: "cancelled", error: "Stopped: its tab was closed" });
    await api().session.delete({ id: session.id, force: true });
  });
});
