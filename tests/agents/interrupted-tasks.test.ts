import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

// A BooChat that stopped (or was killed) mid-run leaves tasks queued or running with no run behind
// them; the next start must end them, or their tabs would refuse every new message as "busy".
let h: AgentHarness;

beforeAll(async () => {
  h = await startAgentHarness({ startOpencode: false });
}, 60_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await h?.cleanup();
});

describe("tasks interrupted by the last stop", () => {
  it("end as failed, in words, when the runtime starts, and their tab takes a new message", async () => {
    const tab = await h.createChat();
    const before = new Date(Date.now() - 60_000);
    const running = await h.db.task.create({
      data: { chatId: tab.chatId, sessionId: tab.sessionId, agent: "opencode", creator: "tab", prompt: "left running", status: "running", createdAt: before, startedAt: before },
    });
    const queued = await h.db.task.create({
      data: { chatId: tab.chatId, sessionId: tab.sessionId, agent: "opencode", creator: "mcp", prompt: "left queued", status: "queued", createdAt: before },
    });
    const done = await h.db.task.create({
      data: { chatId: tab.chatId, sessionId: tab.sessionId, agent: "opencode", creator: "tab", prompt: "finished", status: "succeeded", createdAt: before },
    });

    await h.runtime.start();

    for (const id of [running.id, queued.id]) {
      const task = await h.getTask(id);
      expect(task.status).toBe("failed");
      expect(task.error).toContain("BooChat stopped while this task was waiting or running");
    }
    expect((await h.getTask(done.id)).status).toBe("succeeded");
    const errors = (await h.listMessages(tab.chatId)).flatMap((m) => m.parts).filter((p) => p.type === "error");
    expect(errors).toHaveLength(2);

    h.model.script("AFTER-RESTART", [{ text: "back at work" }]);
    const sent = await h.sendMessage({ chatId: tab.chatId, text: "AFTER-RESTART" });
    expect((await h.waitForTask(sent.taskId)).status).toBe("succeeded");
  });
});
