import { describe, expect, it } from "vitest";
import { reduceRunEvent } from "./run-reducer";
import { newRunState, type RunEvent, type RunState } from "./run-state";

const started = 1_000_000;
const rules = { modelRetries: 2 };

const assistantUpdated = (completed?: number, finish?: string): RunEvent => ({
  id: "e",
  type: "message.updated",
  properties: {
    sessionID: "s",
    info: {
      id: "m1", sessionID: "s", role: "assistant", time: { created: started + 5, ...(completed ? { completed } : {}) }, parentID: "u", modelID: "m", providerID: "p",
      mode: "build", agent: "build", path: { cwd: "/w", root: "/w" }, cost: 0, tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } }, ...(finish ? { finish } : {}),
    },
  },
});
const delta = (value: string): RunEvent => ({ id: "e", type: "message.part.delta", properties: { sessionID: "s", messageID: "m1", partID: "p1", field: "text", delta: value } });

function run(events: RunEvent[], state: RunState = newRunState({ taskId: "t", chatId: "c", startedAt: started })) {
  const effects = [];
  for (const event of events) {
    const reduced = reduceRunEvent(state, event, rules);
    state = reduced.state;
    effects.push(...reduced.effects);
  }
  return { state, effects };
}

describe("a run's events as effects", () => {
  it("publishes a new assistant message and writes it; streamed text is published, then written in batches", () => {
    const { state, effects } = run([assistantUpdated(), delta("Hel"), delta("lo")]);
    expect(effects.map((e) => e.type)).toEqual(["publish", "save", "publish", "save", "publish", "save"]);
    expect(effects.filter((e) => e.type === "save").map((e) => e.type === "save" && e.soon)).toEqual([false, true, true]);
    expect(state.messages.get("m1")?.parts).toEqual([{ id: "p1", type: "text", text: "Hello" }]);
  });

  it("ends on idle only once opencode has shown the run working, and not before", () => {
    const idle: RunEvent = { id: "e", type: "session.idle", properties: { sessionID: "s" } };
    expect(run([idle]).effects).toEqual([]);
    expect(run([assistantUpdated(), idle]).effects.at(-1)).toEqual({ type: "finish" });
  });

  it("asks for the completion check when the last message completes", () => {
    expect(run([assistantUpdated(started + 9, "stop")]).effects.at(-1)).toEqual({ type: "checkCompletion" });
  });

  it("fails the run and aborts the session once the model has been retried too often", () => {
    const retry = (attempt: number): RunEvent => ({ id: "e", type: "session.status", properties: { sessionID: "s", status: { type: "retry", attempt, message: "rate limited", next: 0 } } });
    expect(run([retry(2)]).effects).toEqual([]);
    const { state, effects } = run([retry(3)]);
    expect(effects).toEqual([{ type: "abortSession" }]);
    expect(state.error).toBe("The model call failed 3 times: rate limited");
  });

  it("ignores deltas of a frozen part and messages of earlier runs", () => {
    const frozen = { ...run([assistantUpdated()]).state, frozen: new Set(["p1"]) };
    expect(run([delta("x")], frozen).effects).toEqual([]);
    const earlier = assistantUpdated();
    if (earlier.type !== "message.updated") throw new Error("unexpected");
    earlier.properties.info.time.created = started - 60_000;
    expect(run([earlier]).effects).toEqual([]);
  });
});
