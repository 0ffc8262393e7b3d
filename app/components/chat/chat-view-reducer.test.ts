import { describe, expect, it } from "vitest";
import { applyChatEvent, type ChatView } from "./chat-view-reducer";

describe("the tab's view of a chat", () => {
  it("folds live events into what a tab shows", () => {
    let view: ChatView = { messages: [], tasks: {}, needsReload: false };
    view = applyChatEvent(view, { type: "message", message: { id: "m", chatId: "c", taskId: "t", role: "assistant", parts: [], createdAt: "2026-01-01T00:00:00Z" } });
    view = applyChatEvent(view, { type: "delta", messageId: "m", partId: "p", kind: "text", delta: "Hel" });
    view = applyChatEvent(view, { type: "delta", messageId: "m", partId: "p", kind: "text", delta: "lo" });
    expect(view.messages[0]?.parts).toEqual([{ id: "p", type: "text", text: "Hello" }]);
    view = applyChatEvent(view, { type: "reset" });
    expect(view.needsReload).toBe(true);
  });
});
