import { describe, expect, it } from "vitest";
import { deltasAlreadyIn } from "./event-stream";
import { applyChatEvent, toStoredPart, type ChatView } from "./message-parts";

describe("merging a resync with deltas held meanwhile", () => {
  it("counts the leading held deltas the stored text already ends with", () => {
    expect(deltasAlreadyIn("w0 w1 w2 ", ["w1 ", "w2 ", "w3 "])).toBe(2);
    expect(deltasAlreadyIn("w0 w1 w2 ", ["w3 ", "w4 "])).toBe(0);
    expect(deltasAlreadyIn("", ["a"])).toBe(0);
    expect(deltasAlreadyIn("abc", [])).toBe(0);
  });
});

describe("message parts", () => {
  it("shows tool calls in one line: the file written, the command run", () => {
    const write = toStoredPart({ id: "p1", type: "tool", tool: "write", state: { status: "completed", input: { filePath: "/w/a.txt", content: "x" }, output: "ok" } });
    expect(write).toMatchObject({ type: "tool", status: "completed", title: "wrote /w/a.txt", filePath: "/w/a.txt" });
    const bash = toStoredPart({ id: "p2", type: "tool", tool: "bash", state: { status: "running", input: { command: "npm test" } } });
    expect(bash).toMatchObject({ title: "ran npm test", command: "npm test", status: "running" });
    expect(toStoredPart({ id: "p3", type: "step-start" })).toBeNull();
  });

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
