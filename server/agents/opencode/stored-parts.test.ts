import { describe, expect, it } from "vitest";
import { toStoredPart } from "./stored-parts";

const ids = { sessionID: "s", messageID: "m" };

describe("opencode's parts as stored parts", () => {
  it("shows tool calls in one line: the file written, the command run", () => {
    const write = toStoredPart({ ...ids, id: "p1", type: "tool", callID: "c1", tool: "write", state: { status: "completed", input: { filePath: "/w/a.txt", content: "x" }, output: "ok", title: "a.txt", metadata: {}, time: { start: 1, end: 2 } } });
    expect(write).toMatchObject({ type: "tool", status: "completed", title: "wrote /w/a.txt", filePath: "/w/a.txt" });
    const bash = toStoredPart({ ...ids, id: "p2", type: "tool", callID: "c2", tool: "bash", state: { status: "running", input: { command: "npm test" }, time: { start: 1 } } });
    expect(bash).toMatchObject({ title: "ran npm test", command: "npm test", status: "running" });
    expect(toStoredPart({ ...ids, id: "p3", type: "step-start" })).toBeNull();
  });
});
