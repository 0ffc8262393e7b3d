import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../server/limits";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

let h: AgentHarness;
beforeAll(async () => {
  h = await startAgentHarness({ startOpencode: false });
});
afterAll(async () => {
  await h?.cleanup();
});

describe("event streams", () => {
  it("refuses one more than the cap in words (too many requests), and takes one again once another closes", async () => {
    const tab = await h.createChat();
    const open = Array.from({ length: LIMITS.eventStreams }, () => h.subscribe(tab.chatId)[Symbol.asyncIterator]());
    expect(() => h.subscribe(tab.chatId)).toThrow(expect.objectContaining({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining(`Too many open event streams (${LIMITS.eventStreams})`) }));
    await open[0]?.return?.();
    const again = h.subscribe(tab.chatId)[Symbol.asyncIterator]();
    await Promise.all([...open.slice(1), again].map((iterator) => iterator.return?.()));
  });
});
