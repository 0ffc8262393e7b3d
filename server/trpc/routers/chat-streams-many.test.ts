import { isTrackedEnvelope } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "../../../tests/helpers/opencode-process";
import { unreachableSidecar } from "../../../tests/helpers/trpc-caller";
import { createCallerFactory, createContextInner, router } from "../init";
import { chatStreamsManyProcedures } from "./chat-streams-many";

// chat.eventsOf: several chats over one stream, in publish order, resumable with one id.

let h: AgentHarness;
beforeAll(async () => {
  h = await startAgentHarness({ startOpencode: false });
});
afterAll(async () => {
  await h.cleanup();
});

const caller = () => createCallerFactory(router({ chat: router(chatStreamsManyProcedures) }))(createContextInner({ db: h.db, sidecar: unreachableSidecar(), agents: h.runtime }));

type Item = { id: string; chatId: string; type: string };

async function take(stream: AsyncIterable<unknown>, count: number): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of stream) {
    if (!isTrackedEnvelope(item)) throw new Error("an untracked event");
    const [id, data] = item as unknown as [string, { chatId: string; event: { type: string } }];
    items.push({ id, chatId: data.chatId, type: data.event.type });
    if (items.length === count) break;
  }
  return items;
}

describe("chat.eventsOf", () => {
  it("follows several chats over one stream in publish order and resumes every chat from one last id", async () => {
    const [a, b] = ["chat-many-a", "chat-many-b"];
    const stream = await caller().chat.eventsOf({ chatIds: [a, b] });
    const reading = take(stream, 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    h.runtime.events.publish(a, { type: "reset" });
    h.runtime.events.publish(b, { type: "reset" });
    h.runtime.events.publish(a, { type: "reset" });
    const seen = await reading;
    // Leaving the stream ends both chats' subscriptions.
    await expect.poll(() => h.runtime.events.subscriberCount(a) + h.runtime.events.subscriberCount(b)).toBe(0);
    expect(seen.map((s) => s.chatId)).toEqual([a, b, a]);
    expect([...seen.map((s) => s.id)].sort()).toEqual(seen.map((s) => s.id));

    // Missed while away: one on each chat; resuming after the first id replays both, in order.
    h.runtime.events.publish(b, { type: "reset" });
    const resumed = await take(await caller().chat.eventsOf({ chatIds: [a, b], lastEventId: seen[0]?.id }), 3);
    expect(resumed.map((s) => s.chatId)).toEqual([b, a, b]);
  });

  it("refuses more than six chats", async () => {
    await expect(caller().chat.eventsOf({ chatIds: ["1", "2", "3", "4", "5", "6", "7"] })).rejects.toThrow(/at most 6 chats/);
  });
});
