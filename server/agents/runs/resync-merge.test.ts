import type { Message, Part } from "@opencode-ai/sdk/v2";
import { describe, expect, it } from "vitest";
import { deltasAlreadyIn, mergeResync } from "./resync-merge";
import { newRunState, type RunEvent } from "./run-state";

const started = 1_000_000;

function assistant(id: string, completed?: number): Message {
  return {
    id, sessionID: "s", role: "assistant", time: { created: started + 10, ...(completed ? { completed } : {}) }, parentID: "u", modelID: "m", providerID: "p",
    mode: "build", agent: "build", path: { cwd: "/w", root: "/w" }, cost: 0, tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
  };
}

function text(id: string, value: string, done = false): Part {
  return { id, sessionID: "s", messageID: "m1", type: "text", text: value, time: { start: started, ...(done ? { end: started + 5 } : {}) } };
}

function delta(partID: string, value: string): RunEvent {
  return { id: "e", type: "message.part.delta", properties: { sessionID: "s", messageID: "m1", partID, field: "text", delta: value } };
}

function streamedState(value: string) {
  const state = newRunState({ taskId: "t", chatId: "c", startedAt: started });
  return { ...state, messages: new Map([["m1", { id: "m1", createdAt: started + 10, parts: [{ id: "p1", type: "text" as const, text: value }], completed: false, finish: null }]]) };
}

describe("merging a resync with deltas held meanwhile", () => {
  it("counts the leading held deltas the stored text already ends with", () => {
    expect(deltasAlreadyIn("w0 w1 w2 ", ["w1 ", "w2 ", "w3 "])).toBe(2);
    expect(deltasAlreadyIn("w0 w1 w2 ", ["w3 ", "w4 "])).toBe(0);
    expect(deltasAlreadyIn("", ["a"])).toBe(0);
    expect(deltasAlreadyIn("abc", [])).toBe(0);
  });

  it("takes opencode's completed text and replays only the held deltas it does not hold yet", () => {
    const merged = mergeResync(streamedState("w0 "), [{ info: assistant("m1"), parts: [text("p1", "w0 w1 w2 ", true)] }], [delta("p1", "w1 "), delta("p1", "w2 "), delta("p1", "w3 ")], true);
    expect(merged.state.messages.get("m1")?.parts).toEqual([{ id: "p1", type: "text", text: "w0 w1 w2 " }]);
    expect(merged.replay).toEqual([delta("p1", "w3 ")]);
    expect(merged.effects.map((e) => e.type)).toEqual(["publish", "save"]);
  });

  it("keeps our longer streamed text after a gap and freezes the part until opencode stores it complete", () => {
    const merged = mergeResync(streamedState("w0 w1 "), [{ info: assistant("m1"), parts: [text("p1", "w0 ")] }], [delta("p1", "w5 ")], true);
    expect(merged.state.messages.get("m1")?.parts).toEqual([{ id: "p1", type: "text", text: "w0 w1 " }]);
    expect(merged.state.frozen.has("p1")).toBe(true);
    expect(merged.replay).toEqual([]);
  });

  it("leaves out messages of earlier runs in the same session", () => {
    const earlier = { ...assistant("m0"), time: { created: started - 60_000 } };
    const merged = mergeResync(newRunState({ taskId: "t", chatId: "c", startedAt: started }), [{ info: earlier, parts: [] }], [], false);
    expect(merged.state.messages.size).toBe(0);
  });
});
