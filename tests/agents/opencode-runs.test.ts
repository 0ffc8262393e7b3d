import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyChatEvent, type ChatView } from "../../app/components/chat/chat-view-reducer";
import { messageText } from "../../server/schemas/chat-event";
import { ensureSession } from "../../server/agents/opencode/ensure-session";
import { closeChat } from "../../server/services/chat/close-chat";
import { createChat } from "../../server/services/chat/create-chat";
import { createSidecarClient } from "../../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";
import { startTogether } from "../helpers/start-together";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";

// One real `opencode serve`, one scripted model server, one sidecar for the whole file.
let h: AgentHarness;
let repo: RepoFixture;
let sidecar: SidecarProcess;
let worktree: string;

beforeAll(async () => {
  repo = await createRepoFixture();
  worktree = await repo.addWorktree("shared");
  [h, sidecar] = await startTogether<[AgentHarness, SidecarProcess]>([startAgentHarness(), startSidecar({ worktreeRoot: repo.worktreeRoot })]);
}, 90_000);

// A real opencode on a busy 2-core machine can be slow: give each run room.
vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await Promise.allSettled([h?.cleanup(), sidecar?.stop()]);
  await repo?.cleanup();
});

async function opencodeKnows(externalId: string, directory?: string): Promise<boolean> {
  const found = await h.opencode.client.session.get({ sessionID: externalId, directory });
  return found.data !== undefined;
}

async function rowOf(chatId: string) {
  return h.db.agentSession.findUnique({ where: { chatId_agent: { chatId, agent: "opencode" } } });
}

describe("agent runs on the real opencode serve", () => {
  it("prepares a new tab's agent context when the tab opens, and its first message reuses it", async () => {
    const first = await h.createChat({ title: "Existing" });
    const tab = await createChat({ db: h.db, agents: h.runtime }, { sessionId: first.sessionId });
    expect(await h.runtime.prepareChat(tab.id)).toBe(true);
    const prepared = await rowOf(tab.id);
    expect(prepared && (await opencodeKnows(prepared.externalId))).toBe(true);
    h.model.script("PREPARED-TAB", [{ text: "ready at once" }]);
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.id, text: "PREPARED-TAB" });
    expect((await h.waitForTask(taskId)).status).toBe("succeeded");
    expect((await rowOf(tab.id))?.externalId).toBe(prepared?.externalId);
    // An external agent's tab has nothing to prepare.
    const external = await h.db.chat.create({ data: { sessionId: first.sessionId, title: "ext", agent: "echo" } });
    expect(await h.runtime.prepareChat(external.id)).toBe(false);
  });

  it("a tab deleted while its context is being made leaves no row and no opencode session behind", async () => {
    const doomed = await h.createChat({ title: "Closed at once" });
    let made: string | undefined;
    // The real client, except that the tab is deleted just as opencode makes its session (the race a quick close meets).
    const session = h.opencode.client.session;
    const client = new Proxy(h.opencode.client, {
      get: (target, key) =>
        key !== "session"
          ? Reflect.get(target, key)
          : new Proxy(session, {
              get: (s, k) =>
                k !== "create"
                  ? (Reflect.get(s, k) as (...args: unknown[]) => unknown).bind(s)
                  : async (...args: Parameters<typeof session.create>) => {
                      await h.db.chat.delete({ where: { id: doomed.chatId } });
                      const created = await session.create(...args);
                      made = created.data?.id;
                      return created;
                    },
            }),
    });
    const config = { model: { providerID: "mock", modelID: "mock-1" }, mode: "build", systemPrompt: null, tools: null, directory: worktree };
    await expect(ensureSession({ db: h.db, client }, doomed.chatId, "opencode", config)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/deleted/) });
    expect(made).toBeDefined();
    expect(await opencodeKnows(made ?? "", worktree)).toBe(false);
    expect(await rowOf(doomed.chatId)).toBeNull();
  });

  it("runs two tabs of one session as two opencode sessions that both write into the shared worktree", async () => {
    const one = await h.createChat({ worktree, title: "One" });
    const two = await h.createChat({ sessionId: one.sessionId, title: "Two" });
    h.model.script("TAB-ONE", [{ tool: "write", args: { filePath: path.join(worktree, "one.txt"), content: "from tab one\n" } }, { text: "Wrote one." }]);
    h.model.script("TAB-TWO", [{ tool: "write", args: { filePath: path.join(worktree, "two.txt"), content: "from tab two\n" } }, { text: "Wrote two." }]);

    const [a, b] = await Promise.all([
      h.sendMessage({ chatId: one.chatId, text: "TAB-ONE: write one.txt" }),
      h.sendMessage({ chatId: two.chatId, text: "TAB-TWO: write two.txt" }),
    ]);
    const [ta, tb] = await Promise.all([h.waitForTask(a.taskId), h.waitForTask(b.taskId)]);
    expect([ta.status, ta.error, tb.status, tb.error]).toEqual(["succeeded", null, "succeeded", null]);

    expect(await fs.readFile(path.join(worktree, "one.txt"), "utf8")).toBe("from tab one\n");
    expect(await fs.readFile(path.join(worktree, "two.txt"), "utf8")).toBe("from tab two\n");

    const rowOne = await rowOf(one.chatId);
    const rowTwo = await rowOf(two.chatId);
    expect(rowOne?.externalId).toBeTruthy();
    expect(rowTwo?.externalId).toBeTruthy();
    expect(rowOne?.externalId).not.toBe(rowTwo?.externalId);
    expect(rowOne?.worktreeId).toBe(rowTwo?.worktreeId);

    const messages = await h.listMessages(one.chatId);
    expect(messages[0]).toMatchObject({ role: "user", parts: [{ type: "text", text: "TAB-ONE: write one.txt" }] });
    const parts = messages.flatMap((m) => m.parts);
    expect(parts).toContainEqual(expect.objectContaining({ type: "tool", tool: "write", status: "completed", title: `wrote ${path.join(worktree, "one.txt")}` }));
    expect(messages.map(messageText).join("")).toContain("Wrote one.");

    const [report] = await createSidecarClient({ url: sidecar.url, token: sidecar.token }).risk([worktree]);
    expect(report?.status).toBe("at-risk");
    expect(report?.reasons).toContain("dirty");
    expect(report?.dirty.files).toEqual(expect.arrayContaining(["one.txt", "two.txt"]));
  });

  it("reuses the tab's opencode session for its second message", async () => {
    const tab = await h.createChat();
    h.model.script("REUSE-FIRST", [{ text: "first answer" }]);
    h.model.script("REUSE-SECOND", [{ text: "second answer" }]);
    const first = await h.sendMessage({ chatId: tab.chatId, text: "REUSE-FIRST" });
    expect((await h.waitForTask(first.taskId)).status).toBe("succeeded");
    const before = await rowOf(tab.chatId);

    const second = await h.sendMessage({ chatId: tab.chatId, text: "REUSE-SECOND" });
    expect((await h.waitForTask(second.taskId)).status).toBe("succeeded");
    const after = await rowOf(tab.chatId);
    expect(after?.externalId).toBe(before?.externalId);
    expect(after?.configHash).toBe(before?.configHash);

    const history = await h.opencode.client.session.messages({ sessionID: after?.externalId ?? "" });
    expect(history.data?.filter((m) => m.info.role === "user")).toHaveLength(2);
    const texts = (await h.listMessages(tab.chatId)).filter((m) => m.role === "assistant").map(messageText);
    expect(texts).toEqual(["first answer", "second answer"]);
  });

  it("starts a new opencode session and updates the row when the model changes", async () => {
    const tab = await h.createChat();
    h.model.script("MODEL-A", [{ text: "on model one" }]);
    h.model.script("MODEL-B", [{ text: "on model two" }]);
    const first = await h.sendMessage({ chatId: tab.chatId, text: "MODEL-A" });
    expect((await h.waitForTask(first.taskId)).status).toBe("succeeded");
    const before = await rowOf(tab.chatId);

    const second = await h.sendMessage({ chatId: tab.chatId, text: "MODEL-B", model: "mock/mock-2" });
    expect((await h.waitForTask(second.taskId)).status).toBe("succeeded");
    const after = await rowOf(tab.chatId);
    expect(after?.id).toBe(before?.id);
    expect(after?.externalId).not.toBe(before?.externalId);
    expect(after?.configHash).not.toBe(before?.configHash);
    expect(await opencodeKnows(before?.externalId ?? "")).toBe(false);
    expect(await h.db.agentSession.count({ where: { chatId: tab.chatId } })).toBe(1);
  });

  it("makes a new opencode session when opencode no longer knows the stored one", async () => {
    const tab = await h.createChat();
    h.model.script("FORGOTTEN", [{ text: "hello again" }]);
    const first = await h.sendMessage({ chatId: tab.chatId, text: "FORGOTTEN one" });
    expect((await h.waitForTask(first.taskId)).status).toBe("succeeded");
    const before = await rowOf(tab.chatId);
    await h.opencode.client.session.delete({ sessionID: before?.externalId ?? "" });

    const second = await h.sendMessage({ chatId: tab.chatId, text: "FORGOTTEN two" });
    expect((await h.waitForTask(second.taskId)).status).toBe("succeeded");
    const after = await rowOf(tab.chatId);
    expect(after?.externalId).not.toBe(before?.externalId);
    expect(after?.configHash).toBe(before?.configHash);
    expect(await opencodeKnows(after?.externalId ?? "")).toBe(true);
  });

  it("gives a session-less creator's tasks one chat per creator reference, so a follow-up continues the same context", async () => {
    h.model.script("MCP-FIRST", [{ text: "mcp one" }]);
    h.model.script("MCP-SECOND", [{ text: "mcp two" }]);
    const first = await h.startTask({ creator: "mcp", creatorRef: "conversation-7", prompt: "MCP-FIRST" });
    // The chat is resolved when the task is created, so the task is shown and followed like any other.
    expect(first.chatId).toBeTruthy();
    const firstTask = await h.waitForTask(first.taskId);
    expect(firstTask.chatId).toBe(first.chatId);
    expect(firstTask.status).toBe("succeeded");
    const second = await h.startTask({ creator: "mcp", creatorRef: "conversation-7", prompt: "MCP-SECOND" });
    const secondTask = await h.waitForTask(second.taskId);
    expect(secondTask.status).toBe("succeeded");
    expect(firstTask.chatId).toBeTruthy();
    expect(secondTask.chatId).toBe(firstTask.chatId);
    const chat = await h.db.chat.findUnique({ where: { id: firstTask.chatId ?? "" } });
    expect(chat).toMatchObject({ sessionId: null, creatorKey: "mcp:-:conversation-7" });
    expect(chat?.title).toMatch(/^MCP: MCP-FIRST/);
    expect(await h.db.agentSession.count({ where: { chatId: firstTask.chatId ?? "" } })).toBe(1);
    const other = await h.startTask({ creator: "mcp", creatorRef: "conversation-8", prompt: "MCP-FIRST again" });
    const otherTask = await h.waitForTask(other.taskId);
    expect(otherTask.chatId).not.toBe(firstTask.chatId);
  });

  it("closing a tab removes its agent_sessions row and deletes its opencode session", async () => {
    const tab = await h.createChat();
    h.model.script("CLOSE-ME", [{ text: "soon gone" }]);
    const sent = await h.sendMessage({ chatId: tab.chatId, text: "CLOSE-ME" });
    expect((await h.waitForTask(sent.taskId)).status).toBe("succeeded");
    const row = await rowOf(tab.chatId);
    expect(await opencodeKnows(row?.externalId ?? "")).toBe(true);

    await closeChat({ db: h.db, agents: h.runtime }, tab.chatId);
    expect(await h.db.agentSession.count({ where: { chatId: tab.chatId } })).toBe(0);
    expect(await opencodeKnows(row?.externalId ?? "")).toBe(false);
    // The task outlives the tab as history.
    expect(await h.getTask(sent.taskId)).toMatchObject({ status: "succeeded", chatId: null });
  });

  it("Stop in the middle of a streamed answer ends the task cancelled", async () => {
    const tab = await h.createChat();
    const words = Array.from({ length: 60 }, (_, i) => `slow${i} `);
    h.model.script("STOP-ME", [{ text: words, chunkDelayMs: 100 }]);
    const stream = h.subscribe(tab.chatId)[Symbol.asyncIterator]();
    const sent = await h.sendMessage({ chatId: tab.chatId, text: "STOP-ME" });
    for (;;) {
      const next = await stream.next();
      if (next.done || next.value.event.type === "delta") break;
    }
    const task = await h.abort(sent.taskId);
    await stream.return?.();
    expect(task.status).toBe("cancelled");
    const text = (await h.listMessages(tab.chatId)).filter((m) => m.role === "assistant").map(messageText).join("");
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(words.join("").length);
  });

  it("fails the task with the model server's message when it answers 500", async () => {
    const tab = await h.createChat();
    h.model.script("BROKEN-MODEL", [{ status: 500, message: "the model is on fire" }]);
    const sent = await h.sendMessage({ chatId: tab.chatId, text: "BROKEN-MODEL" });
    const task = await h.waitForTask(sent.taskId);
    expect(task.status).toBe("failed");
    expect(task.error).toContain("the model is on fire");
    const messages = await h.listMessages(tab.chatId);
    expect(messages.flatMap((m) => m.parts)).toContainEqual(expect.objectContaining({ type: "error", text: task.error }));
  });

  it("resumes a dropped event stream without duplicated or lost text", async () => {
    const tab = await h.createChat();
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    const expected = words.join("");
    h.model.script("DROP-STREAM", [{ text: words, chunkDelayMs: 40 }]);

    let view: ChatView = { messages: [], tasks: {}, needsReload: false };
    const seen: string[] = [];
    let deltas = 0;
    const connectionsBefore = h.eventStream.connections();
    const subscription = (async () => {
      for await (const { event } of h.subscribe(tab.chatId)) {
        view = applyChatEvent(view, event);
        const text = view.messages.filter((m) => m.role === "assistant").map(messageText).join("");
        seen.push(text);
        if (event.type === "delta") {
          deltas += 1;
          if (deltas === 5) h.eventStream.drop();
        }
        if (event.type === "task" && ["succeeded", "failed", "cancelled"].includes(event.task.status)) break;
      }
    })();
    const sent = await h.sendMessage({ chatId: tab.chatId, text: "DROP-STREAM" });
    const task = await h.waitForTask(sent.taskId);
    await subscription;
    expect(task.status).toBe("succeeded");
    expect(h.eventStream.connections()).toBeGreaterThan(connectionsBefore);
    // What the tab showed was a prefix of the answer at every moment, and all of it at the end.
    for (const text of seen) expect(expected.startsWith(text)).toBe(true);
    expect(seen.at(-1)).toBe(expected);
    const stored = (await h.listMessages(tab.chatId)).filter((m) => m.role === "assistant").map(messageText).join("");
    expect(stored).toBe(expected);
  });
});
