import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { localPlaces } from "../../server/agents/chat-directory";
import { createChatEvents } from "../../server/agents/chat-events";
import { runOpenCodeServerTask } from "../../server/agents/opencode/run-opencode-task";
import { createOpencodeRunner } from "../../server/agents/runtime";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

// A task row without a chat (written before chats were the context unit, or by a creator that left
// the choice to the run) still runs: the run resolves or makes its chat first, so ensureSession
// never gets a null key.
let h: AgentHarness;

beforeAll(async () => {
  h = await startAgentHarness();
}, 90_000);

vi.setConfig({ testTimeout: 60_000 });

afterAll(async () => {
  await h?.cleanup();
});

describe("a task row without a chat", () => {
  it("gets its creator's chat when it runs, and its agent session is keyed on that chat", async () => {
    h.model.script("NO-CHAT-YET", [{ text: "ran without a tab" }]);
    const task = await h.db.task.create({ data: { chatId: null, sessionId: null, agent: "opencode", creator: "mcp", prompt: "NO-CHAT-YET", status: "queued" } });
    const runner = createOpencodeRunner({ db: h.db, events: createChatEvents(), settings: h.settings, opencode: h.opencode, places: localPlaces(path.join(h.dataDir, "scratch")) });
    try {
      const status = await runOpenCodeServerTask(runner, { id: task.id, creatorRef: "legacy-conversation" });
      expect(status).toBe("succeeded");
    } finally {
      runner.tracker.stop();
      await runner.eventSource.stop();
    }
    const row = await h.db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row.chatId).toBeTruthy();
    const chat = await h.db.chat.findUniqueOrThrow({ where: { id: row.chatId ?? "" } });
    expect(chat).toMatchObject({ sessionId: null, creatorKey: "mcp:-:legacy-conversation" });
    expect(await h.db.agentSession.count({ where: { chatId: chat.id, agent: "opencode" } })).toBe(1);
    const texts = (await h.listMessages(chat.id)).filter((m) => m.role === "assistant").flatMap((m) => m.parts);
    expect(texts).toContainEqual(expect.objectContaining({ type: "text", text: "ran without a tab" }));
  });
});
