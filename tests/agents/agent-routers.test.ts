import fs from "node:fs/promises";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatEvent } from "../../server/schemas/chat-event";
import { createCallerFactory, createContextInner, router } from "../../server/trpc/init";
import { chatStreamProcedures } from "../../server/trpc/routers/chat-stream";
import { coderRouter } from "../../server/trpc/routers/coder";
import { skillsRouter } from "../../server/trpc/routers/skills";
import { taskRouter } from "../../server/trpc/routers/task";
import { unreachableSidecar } from "../helpers/trpc-caller";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

// The agent routers on their own (the app router merges them the same way), over an external
// script agent so no opencode is needed here.
const testRouter = router({ coder: coderRouter, task: taskRouter, skills: skillsRouter, chat: router(chatStreamProcedures) });
const createCaller = createCallerFactory(testRouter);

const script = path.join(import.meta.dirname, "fixtures", "echo-agent.mjs");
let h: AgentHarness;

beforeAll(async () => {
  h = await startAgentHarness({ startOpencode: false, externalAgents: [{ name: "echo", command: [process.execPath, script], prompt: "stdin", env: {} }] });
});

afterAll(async () => {
  await h?.cleanup();
});

function caller() {
  return createCaller(createContextInner({ db: h.db, sidecar: unreachableSidecar(), agents: h.runtime }));
}

async function writeSkill(dir: string, name: string, body: string) {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "SKILL.md"), `---\nname: ${name}\ndescription: "The ${name} skill"\n---\n${body}\n`);
}

describe("agent routers", () => {
  it("coder.message stores the user message and a tab task; task.get and chat.messages show its outcome", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const { taskId } = await caller().coder.message({ chatId: tab.chatId, text: "  routed hello  " });
    await h.waitForTask(taskId);
    const task = await caller().task.get({ id: taskId });
    expect(task).toMatchObject({ id: taskId, status: "succeeded", error: null, chatId: tab.chatId, creator: "tab", agent: "echo" });
    const messages = await caller().chat.messages({ chatId: tab.chatId });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(messages[0]?.parts).toEqual([expect.objectContaining({ type: "text", text: "routed hello" })]);
  });

  it("rejects an empty message and an unknown tab in words", async () => {
    const tab = await h.createChat({ agent: "echo" });
    await expect(caller().coder.message({ chatId: tab.chatId, text: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller().coder.message({ chatId: "no-such-tab", text: "hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller().coder.message({ chatId: tab.chatId, text: "hi", agent: "nobody" })).rejects.toThrow(/Unknown agent "nobody"/);
  });

  it("coder.agents lists opencode with its models and the external agents", async () => {
    const agents = await caller().coder.agents();
    expect(agents).toEqual([
      { name: "opencode", kind: "opencode", models: ["mock/mock-1", "mock/mock-2"], isDefault: true },
      { name: "echo", kind: "external", models: [], isDefault: false },
    ]);
  });

  it("chat.events streams tracked events and resumes after the last event id", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const first = await caller().chat.events({ chatId: tab.chatId });
    const ids: string[] = [];
    const events: ChatEvent[] = [];
    const { taskId } = await caller().coder.message({ chatId: tab.chatId, text: "stream me" });
    for await (const item of first) {
      expect(isTrackedEnvelope(item)).toBe(true);
      const [id, data] = item as unknown as [string, ChatEvent];
      ids.push(id);
      events.push(data);
      if (data.type === "task" && data.task.status === "succeeded") break;
    }
    expect(events.map((e) => e.type)).toContain("delta");
    expect([...ids].sort()).toEqual(ids);

    // A browser that saw only the first three events resumes with the rest, in order.
    const resumed = await caller().chat.events({ chatId: tab.chatId, lastEventId: ids[2] });
    const rest: string[] = [];
    for await (const item of resumed) {
      rest.push((item as unknown as [string])[0]);
      if (rest.length === ids.length - 3) break;
    }
    expect(rest).toEqual(ids.slice(3));
    expect((await caller().task.get({ id: taskId })).status).toBe("succeeded");
  });

  it("chat.events tells a subscriber with an unknown last event id to reload", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const stream = await caller().chat.events({ chatId: tab.chatId, lastEventId: "earlier-process.00000001" });
    for await (const item of stream) {
      expect((item as unknown as [string, ChatEvent])[1]).toEqual({ type: "reset" });
      break;
    }
  });

  it("skills.list finds SKILL.md files in the worktree and BooChat's folder; skills.run runs one as a task of the tab", async () => {
    const worktree = path.join(h.dataDir, "wt-skills");
    await writeSkill(path.join(worktree, ".opencode", "skill", "review"), "review", "Review the code. $ARGUMENTS");
    await writeSkill(path.join(worktree, ".claude", "skills", "tidy"), "tidy", "Tidy up.");
    await writeSkill(path.join(h.settings.skillsDir, "boo"), "boo", "Say boo.");
    // A repository's symlink to a file of the machine is no skill: it would be sent to a model as a prompt.
    await writeSkill(path.join(h.dataDir, "outside-the-worktree"), "leak", "secret of the machine");
    await fs.mkdir(path.join(worktree, ".claude", "skills", "leak"), { recursive: true });
    await fs.symlink(path.join(h.dataDir, "outside-the-worktree", "SKILL.md"), path.join(worktree, ".claude", "skills", "leak", "SKILL.md"));
    const tab = await h.createChat({ worktree, agent: "echo" });

    const skills = await caller().skills.list({ chatId: tab.chatId });
    expect(skills.map((s) => [s.name, s.source, s.description])).toEqual([
      ["boo", "boochat", "The boo skill"],
      ["review", "worktree", "The review skill"],
      ["tidy", "worktree", "The tidy skill"],
    ]);

    const { taskId } = await caller().skills.run({ chatId: tab.chatId, name: "review", args: "src/main.ts" });
    await h.waitForTask(taskId);
    const task = await caller().task.get({ id: taskId });
    expect(task).toMatchObject({ status: "succeeded", creator: "skill", chatId: tab.chatId });
    const messages = await caller().chat.messages({ chatId: tab.chatId });
    expect(messages[0]?.parts[0]).toMatchObject({ type: "text", text: "/review src/main.ts" });
    const output = messages[1]?.parts.map((p) => (p.type === "output" ? p.text : "")).join("");
    expect(output).toContain("echo: Review the code. src/main.ts");
    await expect(caller().skills.run({ chatId: tab.chatId, name: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("coder.abort stops a running task and answers with its cancelled state", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const events = h.subscribe(tab.chatId)[Symbol.asyncIterator]();
    const { taskId } = await caller().coder.message({ chatId: tab.chatId, text: "SLEEP" });
    // Stop while the agent is at work: once it has written its first output.
    for (let next = await events.next(); !next.done && next.value.event.type !== "delta"; next = await events.next());
    await events.return?.();
    const task = await caller().coder.abort({ taskId });
    expect(task).toMatchObject({ id: taskId, status: "cancelled" });
  });
});
