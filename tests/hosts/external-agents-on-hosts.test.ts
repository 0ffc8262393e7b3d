import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAgentRuntime, type AgentRuntime } from "../../server/agents/runtime";
import type { ExternalAgentSettings } from "../../server/agents/agent-settings";
import type { Db } from "../../server/db";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { createRemoteOpencode } from "../../server/hosts/remote-opencode";
import { listMessages } from "../../server/services/chat/list-messages";
import { tabSkills } from "../../server/services/skills/list-skills";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../helpers/git-repos";
import { startHostService, type HostServiceProcess } from "../helpers/host-process";
import { startTcpGate, type TcpGate } from "../helpers/tcp-gate";
import { scriptedSettings, waitForTask } from "../helpers/opencode-process";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { isRunning } from "../helpers/processes";

// External command-line agents on a host service (host/agent-runs.ts): a real host service B with
// its own worktree root and data folder, a runtime whose only host is B, and agents that are small
// shell scripts. What runs, runs on B, in B's worktree; a stop or a lost host leaves nothing running.

const token = "host-b-token-" + "b".repeat(24);
const LOSS_TIMEOUT_MS = 3_000;

/** Reads the prompt from stdin, says where it runs, writes the prompt into the folder, shows its environment. */
const WRITER: ExternalAgentSettings = {
  name: "writer",
  command: ["/bin/sh", "-c", 'read -r prompt; echo "running in $(pwd)"; printf "%s\\n" "$prompt" > from-agent.txt; env | sort'],
  prompt: "stdin",
  env: { AGENT_OWN: "given-by-settings" },
};
/** Starts a helper that would run for minutes, records its pid in the folder, says so, and waits. */
const SLEEPER: ExternalAgentSettings = {
  name: "sleeper",
  command: ["/bin/sh", "-c", 'cat > /dev/null; sleep 300 & echo $! > "$PWD/helper.pid"; echo "helper started"; wait'],
  prompt: "stdin",
  env: {},
};

/** Says nothing for longer than the loss timeout, then finishes: quiet is not lost. */
const QUIET: ExternalAgentSettings = { name: "quiet", command: ["/bin/sh", "-c", "cat > /dev/null; sleep 4; echo finished"], prompt: "stdin", env: {} };

let repo: RepoFixture;
let testDb: TestDb;
let db: Db;
let dirs: { root: string; data: string; app: string };
let hostB: HostServiceProcess;
/** The web app reaches B through it: a network drop is `gate.cut()`. */
let gate: TcpGate;
let runtime: AgentRuntime;
let worktree: string;
let sessionId: string;

const startB = (port?: number) => startHostService({ name: "B", worktreeRoot: dirs.root, dataDir: dirs.data, token, ...(port ? { port } : {}) });

beforeAll(async () => {
  const [root, data, app] = await Promise.all([makeTempDir("boochat-ext-root-"), makeTempDir("boochat-ext-data-"), makeTempDir("boochat-ext-app-")]);
  dirs = { root, data, app };
  [repo, testDb] = await Promise.all([createRepoFixture(), createTestDb()]);
  db = testDb.db;
  hostB = await startB();
  gate = await startTcpGate(Number(new URL(hostB.url).port));
  const hosts: HostConfig[] = [{ name: "B", url: gate.url, token, kind: "host-service" }];
  runtime = createAgentRuntime({
    db,
    // The scripted model is never asked: only external agents run here.
    settings: { ...scriptedSettings("http://127.0.0.1:9", app), externalAgents: [WRITER, SLEEPER, QUIET], hostLossTimeoutMs: LOSS_TIMEOUT_MS },
    hosts,
    opencodeOf: (host) => createRemoteOpencode({ host, config: {} }),
    scratchDir: path.join(app, "scratch"),
  });
  const created = await hostB.request<{ path: string; branch: string }>("POST", "/v1/worktrees", { sessionId: "ext-on-b", repoPath: repo.clone });
  if (created.status !== 200) throw new Error(`B did not make the worktree: ${JSON.stringify(created.body)}`);
  worktree = created.body.path;
  sessionId = (await db.session.create({ data: { title: "On B" } })).id;
  await db.worktree.create({ data: { sessionId, repoPath: repo.clone, path: worktree, branch: created.body.branch, host: "B" } });
}, 60_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await runtime?.stop();
  await hostB?.stop();
  await gate?.close();
  await Promise.allSettled([repo?.cleanup(), testDb?.cleanup(), ...Object.values(dirs ?? {}).map((d) => fs.rm(d, { recursive: true, force: true }))]);
});

const newTab = async (title: string) => (await db.chat.create({ data: { sessionId, title } })).id;
/** What the agent printed, as the tab shows it. */
const outputOf = async (chatId: string) =>
  (await listMessages(db, chatId))
    .filter((m) => m.role === "assistant")
    .flatMap((m) => m.parts.map((p) => (p.type === "output" ? p.text : "")))
    .join("");
async function helperPid(): Promise<number> {
  const file = path.join(worktree, "helper.pid");
  await vi.waitFor(() => fs.access(file), { timeout: 10_000, interval: 50 });
  const pid = Number((await fs.readFile(file, "utf8")).trim());
  await fs.rm(file);
  return pid;
}

describe("a worktree's own skills on a host service", () => {
  it("are read by the host, never from outside the worktree, and are gone while the host cannot be reached", async () => {
    const chatId = await newTab("Skills");
    const skillDir = (name: string) => path.join(worktree, ".claude", "skills", name);
    await fs.mkdir(skillDir("b-only"), { recursive: true });
    await fs.writeFile(path.join(skillDir("b-only"), "SKILL.md"), '---\nname: b-only\ndescription: "on B"\n---\nDo it on B.\n');
    // A repository's symlink to a file of the machine: no skill, never a prompt.
    const outside = path.join(dirs.data, "not-for-agents.md");
    await fs.writeFile(outside, "---\nname: leak\n---\nsecret of the machine\n");
    await fs.mkdir(skillDir("leak"), { recursive: true });
    await fs.symlink(outside, path.join(skillDir("leak"), "SKILL.md"));
    try {
      const skills = await tabSkills({ db, agents: runtime }, chatId);
      expect(skills.map(({ name, source, description, prompt }) => ({ name, source, description, prompt }))).toEqual([
        { name: "b-only", source: "worktree", description: "on B", prompt: "Do it on B." },
      ]);
      // On one machine the file is readable here too: only a web app that asks B loses it with B.
      gate.cut();
      try {
        expect(await tabSkills({ db, agents: runtime }, chatId)).toEqual([]);
      } finally {
        gate.restore();
      }
    } finally {
      await fs.rm(path.join(worktree, ".claude"), { recursive: true, force: true });
    }
  });
});

describe("external agents on a host service", () => {
  it("runs in B's worktree, streams its output into the tab, and sees its own settings' environment but never the host's token", async () => {
    const chatId = await newTab("Writer");
    const { taskId } = await runtime.sendMessage({ chatId, text: "hello from the tab", agent: "writer" });
    const done = await waitForTask(db, taskId);
    expect([done.status, done.error]).toEqual(["succeeded", null]);
    expect(await fs.readFile(path.join(worktree, "from-agent.txt"), "utf8")).toBe("hello from the tab\n");
    const answer = await outputOf(chatId);
    expect(answer).toContain(`running in ${worktree}\n`);
    expect(answer).toContain("AGENT_OWN=given-by-settings\n");
    expect(answer).toContain("BOOCHAT_AGENT=writer\n");
    expect(answer).not.toContain(token);
    expect(answer).not.toContain("BOOCHAT_HOST_TOKEN");
    await fs.rm(path.join(worktree, "from-agent.txt"));
  });

  it("runs a chat-only tab's agent in the scratch folder B gives it", async () => {
    const chatId = (await db.chat.create({ data: { sessionId: (await db.session.create({ data: { title: "Chat only" } })).id, title: "Tab" } })).id;
    const { taskId } = await runtime.sendMessage({ chatId, text: "in scratch", agent: "writer" });
    expect((await waitForTask(db, taskId)).status).toBe("succeeded");
    const directory = await runtime.chatDirectory(chatId);
    expect(directory).toMatchObject({ host: "B", scratch: true, local: false });
    expect(path.dirname(directory.path)).toBe(path.join(dirs.data, "scratch"));
    expect(await fs.readFile(path.join(directory.path, "from-agent.txt"), "utf8")).toBe("in scratch\n");
  });

  it("an agent silent for longer than the loss timeout is not a lost host: B says it is alive meanwhile", async () => {
    const chatId = await newTab("Quiet");
    const { taskId } = await runtime.sendMessage({ chatId, text: "think", agent: "quiet" });
    const done = await waitForTask(db, taskId);
    expect([done.status, done.error]).toEqual(["succeeded", null]);
    expect(await outputOf(chatId)).toBe("finished\n");
  });

  it("Stop ends the agent and every helper it started on B: the task is cancelled, nothing of it runs on", async () => {
    const chatId = await newTab("Stopped");
    const { taskId } = await runtime.sendMessage({ chatId, text: "go", agent: "sleeper" });
    const helper = await helperPid();
    expect(isRunning(helper)).toBe(true);
    await runtime.stopTasks([taskId]);
    expect((await waitForTask(db, taskId)).status).toBe("cancelled");
    await vi.waitFor(() => expect(isRunning(helper)).toBe(false), { timeout: 5_000, interval: 50 });
    expect(await outputOf(chatId)).toContain("helper started");
  });

  it("a killed host service fails its agent's task in words naming the host; its restart stops what was left running; the next run works", async () => {
    const chatId = await newTab("Killed");
    const { taskId } = await runtime.sendMessage({ chatId, text: "go", agent: "sleeper" });
    const helper = await helperPid();
    const port = Number(new URL(hostB.url).port);
    await hostB.kill();
    const failed = await waitForTask(db, taskId, 20_000);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe(`host "B" (${gate.url}) was lost while sleeper was running (the connection broke); the host stops the agent when it is back`);
    // A crash leaves the agent's group running in the worktree: nobody is there to stop it...
    expect(isRunning(helper)).toBe(true);
    // ...until the host service starts again on its data folder.
    hostB = await startB(port);
    await vi.waitFor(() => expect(isRunning(helper)).toBe(false), { timeout: 5_000, interval: 50 });
    expect(hostB.output()).toMatch(/stopping external agent group \d+ left running by an earlier host service/);

    const next = await runtime.sendMessage({ chatId, text: "after the restart", agent: "writer" });
    expect((await waitForTask(db, next.taskId)).status).toBe("succeeded");
    expect(await fs.readFile(path.join(worktree, "from-agent.txt"), "utf8")).toBe("after the restart\n");
  });

  it("a network drop fails the task as lost, and B stops the agent whose caller went away", async () => {
    const chatId = await newTab("Dropped");
    const { taskId } = await runtime.sendMessage({ chatId, text: "go", agent: "sleeper" });
    const helper = await helperPid();
    gate.cut();
    try {
      const failed = await waitForTask(db, taskId, 20_000);
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(/^host "B" \(.+\) was lost while sleeper was running \(the connection broke\)/);
      await vi.waitFor(() => expect(isRunning(helper)).toBe(false), { timeout: 5_000, interval: 50 });
    } finally {
      gate.restore();
    }
    expect(hostB.output()).not.toContain("unexpected error");
  });

  it("refuses to run an agent anywhere but a worktree under its root or its own scratch folders, in words", async () => {
    for (const directory of ["/tmp", dirs.data, path.join(dirs.root, "no-such-worktree")]) {
      const answer = await hostB.request<{ error: { code: string; message: string } }>("POST", "/v1/agents/run", { agent: WRITER, prompt: "x", directory });
      expect(answer.status, directory).toBeGreaterThanOrEqual(400);
      expect(answer.status, directory).toBeLessThan(500);
      expect(answer.body.error.message).toContain(directory);
    }
    const badAgent = await hostB.request<{ error: { message: string } }>("POST", "/v1/agents/run", { agent: { ...WRITER, command: [] }, prompt: "x", directory: worktree });
    expect([badAgent.status, badAgent.body.error.message]).toEqual([400, expect.stringContaining("agent.command")]);
  });
});
