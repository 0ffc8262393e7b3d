import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSidecarClient } from "../../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";
import { startTogether } from "../helpers/start-together";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";
import { callerFor, trpcError } from "../helpers/trpc-caller";

// Session-less creators (issue 7) on the real opencode serve, the real sidecar and a real repository.
let repo: RepoFixture;
let h: AgentHarness;
let sidecar: SidecarProcess;

beforeAll(async () => {
  repo = await createRepoFixture();
  [h, sidecar] = await startTogether<[AgentHarness, SidecarProcess]>([startAgentHarness(), startSidecar({ worktreeRoot: repo.worktreeRoot })]);
}, 90_000);

vi.setConfig({ testTimeout: 90_000 });

afterAll(async () => {
  await Promise.allSettled([h?.cleanup(), sidecar?.stop()]);
  await repo?.cleanup();
});

function api() {
  return callerFor(h.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), agents: h.runtime, riskTimeoutMs: 10_000 });
}

async function chatOnlySession(title = "Chat only") {
  return api().session.create({ title });
}

async function agentSessionsOf(chatId: string) {
  return h.db.agentSession.findMany({ where: { chatId } });
}

describe("task.create for session-less creators", () => {
  it("gives each creator's task without a chat id a chat, and keys its agent session on that chat", async () => {
    const session = await chatOnlySession();
    h.model.script("CREATOR-RUN", [{ text: "creator task done" }]);
    const parent = await api().task.create({ creator: "generic", prompt: "CREATOR-RUN parent", sessionId: session.id });
    await h.waitForTask(parent.taskId);

    const cases = [
      { creator: "generic", input: { sessionId: session.id }, session: session.id },
      { creator: "mcp", input: { sessionId: session.id, ref: "mcp-conv-1" }, session: session.id },
      { creator: "arena", input: { sessionId: session.id }, session: session.id },
      { creator: "new_task", input: { fromTaskId: parent.taskId }, session: session.id },
      { creator: "generic", input: {}, session: null },
      { creator: "mcp", input: { ref: "standalone-conv" }, session: null },
    ] as const;
    for (const c of cases) {
      const created = await api().task.create({ creator: c.creator, prompt: `CREATOR-RUN ${c.creator}`, ...c.input });
      expect(created.chatId, c.creator).toBeTruthy();
      expect(created.sessionId).toBe(c.session);
      const task = await h.waitForTask(created.taskId);
      expect([c.creator, task.status, task.error]).toEqual([c.creator, "succeeded", null]);
      expect(task.chatId).toBe(created.chatId);

      const chat = await h.db.chat.findUniqueOrThrow({ where: { id: created.chatId } });
      expect(chat.sessionId).toBe(c.session);
      const rows = await agentSessionsOf(created.chatId);
      expect(rows, `${c.creator}: one agent session, on the task's chat`).toHaveLength(1);
      expect(rows[0]?.sessionId).toBe(c.session);

      const details = await api().task.get({ id: created.taskId });
      expect(details).toMatchObject({ creator: c.creator, status: "succeeded", chatId: created.chatId, output: "creator task done" });
    }
    // Every task ever run went through a chat.
    expect(await h.db.task.count({ where: { chatId: null } })).toBe(0);
    // Tabs a creator made show up in the session, after its first tab.
    const tabs = await api().chat.list({ sessionId: session.id });
    expect(tabs.map((t) => t.title)).toEqual(expect.arrayContaining(["Tab 1", expect.stringMatching(/^MCP: CREATOR-RUN mcp/)]));
  });

  it("gives the same (creator, ref) one chat, one after the other and at once; the follow-up continues the same agent session", async () => {
    const session = await chatOnlySession();
    h.model.script("SAME-REF", [{ text: "same ref answer" }]);
    const first = await api().task.create({ creator: "mcp", ref: "conv-A", prompt: "SAME-REF one", sessionId: session.id });
    await h.waitForTask(first.taskId);
    const [before] = await agentSessionsOf(first.chatId);
    const second = await api().task.create({ creator: "mcp", ref: "conv-A", prompt: "SAME-REF two", sessionId: session.id });
    expect(second.chatId).toBe(first.chatId);
    expect((await h.waitForTask(second.taskId)).status).toBe("succeeded");
    const after = await agentSessionsOf(first.chatId);
    expect(after).toHaveLength(1);
    expect(after[0]?.externalId).toBe(before?.externalId);
    // opencode holds both turns in that one session: the follow-up saw the first exchange.
    const history = await h.opencode.client.session.messages({ sessionID: before?.externalId ?? "" });
    expect((history.data ?? []).filter((m) => m.info.role === "user")).toHaveLength(2);

    // At once: both land in one chat; the second waits its turn and both complete.
    const [x, y] = await Promise.all([
      api().task.create({ creator: "generic", ref: "script-7", prompt: "SAME-REF x", sessionId: session.id }),
      api().task.create({ creator: "generic", ref: "script-7", prompt: "SAME-REF y", sessionId: session.id }),
    ]);
    expect(y.chatId).toBe(x.chatId);
    const done = await Promise.all([h.waitForTask(x.taskId), h.waitForTask(y.taskId)]);
    expect(done.map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
    expect(await agentSessionsOf(x.chatId)).toHaveLength(1);
    expect(await h.db.chat.count({ where: { creatorKey: { contains: "script-7" } } })).toBe(1);

    // The same ref in another session is another conversation.
    const other = await chatOnlySession("Other");
    const elsewhere = await api().task.create({ creator: "mcp", ref: "conv-A", prompt: "SAME-REF three", sessionId: other.id });
    expect(elsewhere.chatId).not.toBe(first.chatId);
    await h.waitForTask(elsewhere.taskId);
  });

  it("opens a follow-up (new_task) in a new tab of the starting task's session, which says who started it", async () => {
    const session = await chatOnlySession("Follow-ups");
    const [tab] = await api().chat.list({ sessionId: session.id });
    h.model.script("PARENT-WORK", [{ text: "parent done" }]);
    h.model.script("CHILD-WORK", [{ text: "child done" }]);
    const parent = await h.sendMessage({ chatId: tab?.id ?? "", text: "PARENT-WORK" });
    const child = await api().task.create({ creator: "new_task", fromTaskId: parent.taskId, prompt: "CHILD-WORK: check the tests" });
    const sibling = await api().task.create({ creator: "new_task", fromTaskId: parent.taskId, prompt: "CHILD-WORK: update the docs" });
    expect(child.sessionId).toBe(session.id);
    expect(new Set([tab?.id, child.chatId, sibling.chatId]).size).toBe(3);
    expect((await h.waitForTask(child.taskId)).status).toBe("succeeded");
    expect((await h.waitForTask(sibling.taskId)).status).toBe("succeeded");

    const tabs = await api().chat.list({ sessionId: session.id });
    const opened = tabs.find((t) => t.id === child.chatId);
    expect(opened?.startedBy).toEqual({ taskId: parent.taskId, chatId: tab?.id, chatTitle: "Tab 1" });
    expect(opened?.title).toMatch(/^Follow-up: CHILD-WORK: check the tests \(from Tab 1\)$/);
    expect(tabs.at(-1)?.id).toBe(sibling.chatId);
  });

  it("refuses bad input with a message naming the problem", async () => {
    const missing = await trpcError(api().task.create({ creator: "generic", prompt: "hello", sessionId: "no-such-session" }));
    expect([missing.code, missing.message]).toEqual(["NOT_FOUND", "Session no-such-session does not exist"]);
    const parentless = await trpcError(api().task.create({ creator: "new_task", prompt: "hello", fromTaskId: "no-such-task" }));
    expect([parentless.code, parentless.message]).toEqual(["NOT_FOUND", "Task no-such-task does not exist"]);
    const wrongCreator = await trpcError(api().task.create({ creator: "mcp", prompt: "hello", fromTaskId: "x" }));
    expect(wrongCreator.code).toBe("BAD_REQUEST");
    expect(wrongCreator.message).toContain("fromTaskId");
    const badCreator = await trpcError(api().task.create({ creator: "tab" as "generic", prompt: "hello" }));
    expect(badCreator.message).toContain("creator");
    const empty = await trpcError(api().task.create({ creator: "generic", prompt: "   " }));
    expect(empty.message).toContain("prompt: must not be empty");
    const unknownAgent = await trpcError(api().task.create({ creator: "generic", prompt: "hello", agent: "nobody" }));
    expect(unknownAgent.message).toContain('Unknown agent "nobody"');
    const noFilter = await trpcError(api().task.list({} as { chatId: string }));
    expect(noFilter.code).toBe("BAD_REQUEST");
  });

  it("lists a session's tasks newest first and cancels a running one", async () => {
    const session = await chatOnlySession("Listing");
    h.model.script("LIST-ME", [{ text: "listed" }]);
    const a = await api().task.create({ creator: "generic", prompt: "LIST-ME a", sessionId: session.id });
    await h.waitForTask(a.taskId);
    h.model.script("SLOW-CANCEL", [{ text: Array.from({ length: 80 }, (_, i) => `s${i} `), chunkDelayMs: 100 }]);
    const b = await api().task.create({ creator: "generic", prompt: "SLOW-CANCEL b", sessionId: session.id });
    await h.model.waitForStep("SLOW-CANCEL", 0);
    const cancelled = await api().task.cancel({ id: b.taskId });
    expect(cancelled.status).toBe("cancelled");
    const listed = await api().task.list({ sessionId: session.id });
    expect(listed.map((t) => [t.id, t.status])).toEqual([
      [b.taskId, "cancelled"],
      [a.taskId, "succeeded"],
    ]);
    expect((await api().task.list({ chatId: a.chatId })).map((t) => t.id)).toContain(a.taskId);
  });
});

describe("the database", () => {
  it("refuses an agent session without a chat", async () => {
    const insert = h.db.$executeRawUnsafe(
      `INSERT INTO agent_sessions (id, chat_id, agent, external_id, config_hash) VALUES ('as_null', NULL, 'opencode', 'ext', 'hash')`,
    );
    await expect(insert).rejects.toThrow(/NOT NULL constraint failed: agent_sessions\.chat_id/);
  });
});

describe("arena", () => {
  it("runs one prompt with two models, each in its own worktree branch, and stores the winner", async () => {
    const session = await api().session.create({ title: "Model race", repoPath: repo.clone });
    // Each contestant writes its answer into the directory opencode runs it in (its worktree).
    h.model.script("ARENA-RACE", [
      (request) => {
        const cwd = /Working directory: (\S+)/.exec(request.systemText)?.[1] ?? "/nonexistent";
        return { tool: "write", args: { filePath: path.join(cwd, "answer.txt"), content: `answer by ${request.model}\n` } };
      },
      (request) => ({ text: `done by ${request.model}` }),
    ]);
    const arena = await api().arena.create({
      sessionId: session.id,
      prompt: "ARENA-RACE: write your answer",
      agents: [{ model: "mock/mock-1" }, { model: "mock/mock-2" }],
    });
    expect(arena.entries.map((e) => e.model)).toEqual(["mock/mock-1", "mock/mock-2"]);
    const [one, two] = arena.entries;
    if (!one?.worktreePath || !two?.worktreePath || !one.task || !two.task) throw new Error("entries without worktree or task");
    expect(one.worktreePath).not.toBe(two.worktreePath);
    expect(one.branch).not.toBe(two.branch);
    expect(one.worktreePath).not.toBe(session.worktree?.path);

    const tasks = await Promise.all([h.waitForTask(one.task.id), h.waitForTask(two.task.id)]);
    expect(tasks.map((t) => [t.status, t.error])).toEqual([
      ["succeeded", null],
      ["succeeded", null],
    ]);
    expect(await fs.readFile(path.join(one.worktreePath, "answer.txt"), "utf8")).toBe("answer by mock-1\n");
    expect(await fs.readFile(path.join(two.worktreePath, "answer.txt"), "utf8")).toBe("answer by mock-2\n");
    await expect(fs.stat(path.join(session.worktree?.path ?? "", "answer.txt"))).rejects.toThrow();
    const branches = await repo.git(repo.clone, ["branch", "--list", "boochat/arena-*", "--format=%(refname:short)"]);
    expect(branches.split("\n").sort()).toEqual([one.branch, two.branch].sort());

    if (!one.chatId || !two.chatId) throw new Error("entries without a tab");
    const picked = await api().arena.markWinner({ arenaId: arena.id, chatId: two.chatId });
    expect(picked.winnerChatId).toBe(two.chatId);
    expect((await api().arena.get({ id: arena.id })).winnerChatId).toBe(two.chatId);
    expect((await api().arena.list({ sessionId: session.id })).map((a) => a.id)).toEqual([arena.id]);
    // Each entry is a session of its own with one tab, shown under the session that started the arena.
    for (const entry of [one, two]) {
      const entrySession = await api().session.get({ id: entry.sessionId });
      expect(entrySession.worktree).toMatchObject({ path: entry.worktreePath, branch: entry.branch });
      expect(entrySession.arena).toEqual({ id: arena.id, originSessionId: session.id, originTitle: "Model race" });
      expect((await api().chat.list({ sessionId: entry.sessionId })).map((t) => t.id)).toEqual([entry.chatId]);
    }
    const listed = await api().session.list();
    expect(listed.filter((s) => s.arenaOriginId === session.id).map((s) => s.id).sort()).toEqual([one.sessionId, two.sessionId].sort());
    expect((await api().chat.list({ sessionId: session.id })).map((t) => t.title)).toEqual(["Tab 1"]);
    // The database holds one worktree per session.
    expect(await h.db.worktree.count({ where: { sessionId: session.id } })).toBe(1);

    // Deleting the origin goes through the gate for every worktree of its entries too: the answers
    // block it, nothing goes, and one 409 carries every report.
    const blocked = await trpcError(api().session.delete({ id: session.id }));
    expect(blocked.code).toBe("CONFLICT");
    const reports = (blocked.cause as { data?: { riskReports?: Array<{ path: string; status: string }> } } | undefined)?.data?.riskReports ?? [];
    const byPath = new Map(reports.map((r) => [r.path, r.status]));
    expect(byPath).toEqual(
      new Map([
        [session.worktree?.path, "clean"],
        [one.worktreePath, "at-risk"],
        [two.worktreePath, "at-risk"],
      ]),
    );
    expect((await fs.stat(one.worktreePath)).isDirectory()).toBe(true);
    expect((await fs.stat(session.worktree?.path ?? "")).isDirectory()).toBe(true);
    expect(await h.db.session.count({ where: { id: { in: [session.id, one.sessionId, two.sessionId] } } })).toBe(3);

    // The block dialog's Stash reaches an entry's worktree by its path; then the delete goes through.
    const foreign = await trpcError(api().worktree.stash({ sessionId: session.id, path: repo.clone }));
    expect([foreign.code, foreign.message]).toEqual(["BAD_REQUEST", `path: ${repo.clone} is not a worktree of session "Model race"`]);
    for (const entry of [one, two]) {
      const stashed = await api().worktree.stash({ sessionId: session.id, path: entry.worktreePath ?? "" });
      expect([stashed.stashed, stashed.report.status]).toEqual([true, "clean"]);
    }
    const deleted = await api().session.delete({ id: session.id });
    expect(deleted).toEqual({
      deleted: true,
      worktree: { path: session.worktree?.path, outcome: "removed" },
      entrySessions: [
        { id: one.sessionId, title: one.title, worktree: { path: one.worktreePath, outcome: "removed" } },
        { id: two.sessionId, title: two.title, worktree: { path: two.worktreePath, outcome: "removed" } },
      ],
    });
    await expect(fs.stat(one.worktreePath)).rejects.toThrow();
    await expect(fs.stat(two.worktreePath)).rejects.toThrow();
    expect(await h.db.session.count({ where: { id: { in: [session.id, one.sessionId, two.sessionId] } } })).toBe(0);
  });

  it("deletes an arena entry session alone through the ordinary gate, leaving the origin and the other entries", async () => {
    const session = await api().session.create({ title: "Entry alone", repoPath: repo.clone });
    h.model.script("ARENA-QUIET", [{ text: "nothing written" }]);
    const arena = await api().arena.create({ sessionId: session.id, prompt: "ARENA-QUIET", agents: ["mock/mock-1", "mock/mock-2"] });
    const [one, two] = arena.entries;
    if (!one?.task || !two?.task || !one.worktreePath) throw new Error("entries without task or worktree");
    await Promise.all([h.waitForTask(one.task.id), h.waitForTask(two.task.id)]);
    await fs.writeFile(path.join(one.worktreePath, "draft.md"), "unsaved\n");
    const blocked = await trpcError(api().session.delete({ id: one.sessionId }));
    expect(blocked.code).toBe("CONFLICT");
    await fs.rm(path.join(one.worktreePath, "draft.md"));
    expect(await api().session.delete({ id: one.sessionId })).toEqual({ deleted: true, worktree: { path: one.worktreePath, outcome: "removed" } });
    expect((await api().arena.get({ id: arena.id })).entries.map((e) => e.sessionId)).toEqual([two.sessionId]);
    expect(await h.db.session.count({ where: { id: { in: [session.id, two.sessionId] } } })).toBe(2);
    await api().session.delete({ id: session.id });
  });

  it("refuses an arena it cannot run, naming why, and leaves nothing behind", async () => {
    const chatOnly = await chatOnlySession("No repo");
    const noRepo = await trpcError(api().arena.create({ sessionId: chatOnly.id, prompt: "x", agents: [{}, {}] }));
    expect([noRepo.code, noRepo.message]).toEqual(["BAD_REQUEST", expect.stringContaining("has no worktree")]);
    const withRepo = await api().session.create({ title: "Arena refusals", repoPath: repo.clone });
    const badModel = await trpcError(api().arena.create({ sessionId: withRepo.id, prompt: "x", agents: [{}, { model: "mock/nope" }] }));
    expect(badModel.message).toContain('agents.1.model: unknown model "mock/nope"');
    const stranger = await trpcError(api().arena.create({ sessionId: withRepo.id, prompt: "x", agents: ["nobody", "mock/mock-2"] }));
    expect(stranger.message).toContain('agents.0.agent: unknown agent "nobody"');
    const lonely = await trpcError(api().arena.create({ sessionId: withRepo.id, prompt: "x", agents: [{}] }));
    expect(lonely.message).toContain("agents: must name at least 2 contestants");
    expect(await h.db.arena.count({ where: { sessionId: withRepo.id } })).toBe(0);
    expect(await h.db.worktree.count({ where: { sessionId: withRepo.id } })).toBe(1);
    expect(await h.db.session.count({ where: { arenaId: { not: null }, arena: { sessionId: withRepo.id } } })).toBe(0);
  });
});
