import { describe, expect, it } from "vitest";
import { createChatEvents, type ChatEventEnvelope } from "./chat-events";
import type { ChatEvent } from "../schemas/chat-event";

const delta = (text: string): ChatEvent => ({ type: "delta", messageId: "m", partId: "p", kind: "text", delta: text });

async function take(iterable: AsyncIterable<ChatEventEnvelope>, n: number): Promise<ChatEventEnvelope[]> {
  const out: ChatEventEnvelope[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

describe("chat events", () => {
  it("gives every event an id that sorts after the previous one", () => {
    const events = createChatEvents();
    const ids = Array.from({ length: 50 }, (_, i) => events.publish("chat", delta(String(i))));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
  });

  it("delivers only the subscribed chat's events, live", async () => {
    const events = createChatEvents();
    const received = take(events.subscribe("a"), 2);
    events.publish("b", delta("not mine"));
    events.publish("a", delta("one"));
    events.publish("a", delta("two"));
    expect((await received).map((e) => e.event)).toEqual([delta("one"), delta("two")]);
  });

  it("replays what came after the last event id, then goes on live", async () => {
    const events = createChatEvents();
    const ids = ["x", "y", "z"].map((t) => events.publish("a", delta(t)));
    const received = take(events.subscribe("a", { lastEventId: ids[0] }), 3);
    events.publish("a", delta("live"));
    expect((await received).map((e) => e.event)).toEqual([delta("y"), delta("z"), delta("live")]);
  });

  it("sends a reset when the last event id has fallen out of the bounded buffer", async () => {
    const events = createChatEvents({ bufferSize: 3 });
    const ids = ["1", "2", "3", "4", "5"].map((t) => events.publish("a", delta(t)));
    const [first] = await take(events.subscribe("a", { lastEventId: ids[0] }), 1);
    expect(first?.event).toEqual({ type: "reset" });
    const fromKept = await take(events.subscribe("a", { lastEventId: ids[1] }), 3);
    expect(fromKept.map((e) => e.event)).toEqual([delta("3"), delta("4"), delta("5")]);
  });

  it("ends a subscription when its signal aborts and forgets the subscriber", async () => {
    const events = createChatEvents();
    const controller = new AbortController();
    const iterator = events.subscribe("a", { signal: controller.signal })[Symbol.asyncIterator]();
    const pending = iterator.next();
    expect(events.subscriberCount("a")).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(events.subscriberCount("a")).toBe(0);
  });
});
