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

  // The pins below hold behaviour callers lean on that the cases above leave open.

  it("sends a reset for an id from another process or one that is not an id, and numbers it among the events", async () => {
    const events = createChatEvents();
    const before = events.publish("a", delta("before"));
    for (const lastEventId of ["0000.00000001", "garbage", `${before.split(".")[0]}`]) {
      const [reset] = await take(events.subscribe("a", { lastEventId }), 1);
      expect(reset?.event).toEqual({ type: "reset" });
      expect(reset!.id > before).toBe(true);
      const after = events.publish("a", delta("after"));
      expect(after > reset!.id).toBe(true);
    }
  });

  it("replays from exactly the oldest kept event's predecessor, and sends a reset one further back", async () => {
    const events = createChatEvents({ bufferSize: 2 });
    const ids = ["1", "2", "3", "4"].map((t) => events.publish("a", delta(t)));
    const fromPredecessor = await take(events.subscribe("a", { lastEventId: ids[1] }), 2);
    expect(fromPredecessor.map((e) => e.id)).toEqual([ids[2], ids[3]]);
    const [tooOld] = await take(events.subscribe("a", { lastEventId: ids[0] }), 1);
    expect(tooOld?.event).toEqual({ type: "reset" });
  });

  it("keeps only the newest bufferSize events of each chat for replay, chats counted apart", async () => {
    const events = createChatEvents({ bufferSize: 3 });
    const ids = Array.from({ length: 10 }, (_, i) => events.publish("a", delta(String(i))));
    events.publish("b", delta("b"));
    const replay = await take(events.subscribe("a", { lastEventId: ids[6] }), 3);
    expect(replay.map((e) => e.id)).toEqual(ids.slice(7));
  });

  it("neither replays nor resets for an id of this process when the chat has no buffer, then goes live", async () => {
    const events = createChatEvents();
    const elsewhere = events.publish("b", delta("b"));
    const received = take(events.subscribe("a", { lastEventId: elsewhere }), 1);
    events.publish("a", delta("live"));
    expect((await received).map((e) => e.event)).toEqual([delta("live")]);
  });

  it("sends a reset for an id newer than any event yet when the chat has no buffer", async () => {
    const events = createChatEvents();
    const id = events.publish("b", delta("b"));
    const future = `${id.split(".")[0]}.zzzzzzzz`;
    const [first] = await take(events.subscribe("a", { lastEventId: future }), 1);
    expect(first?.event).toEqual({ type: "reset" });
  });

  it("queues events a slow reader has not taken yet and hands them over in order", async () => {
    const events = createChatEvents();
    const iterator = events.subscribe("a")[Symbol.asyncIterator]();
    const ids = Array.from({ length: 5 }, (_, i) => events.publish("a", delta(String(i))));
    const received: string[] = [];
    for (let i = 0; i < 5; i += 1) received.push((await iterator.next()).value!.id);
    expect(received).toEqual(ids);
    await iterator.return?.();
  });

  it("joins when iterated, not when subscribe is called, and each iterator is its own subscriber", async () => {
    const events = createChatEvents();
    const subscription = events.subscribe("a");
    expect(events.subscriberCount("a")).toBe(0);
    const first = subscription[Symbol.asyncIterator]();
    const second = subscription[Symbol.asyncIterator]();
    events.publish("b", delta("other chat"));
    const third = events.subscribe("b")[Symbol.asyncIterator]();
    expect(events.subscriberCount("a")).toBe(2);
    expect(events.totalSubscribers()).toBe(3);
    events.publish("a", delta("x"));
    expect((await first.next()).value?.event).toEqual(delta("x"));
    expect((await second.next()).value?.event).toEqual(delta("x"));
    expect(await first.return?.()).toEqual({ value: undefined, done: true });
    expect(events.subscriberCount("a")).toBe(1);
    await second.return?.();
    await third.return?.();
    expect(events.totalSubscribers()).toBe(0);
  });

  it("on forget, ends its subscribers after what they had queued, and a later publish starts a fresh buffer", async () => {
    const events = createChatEvents();
    const before = events.publish("a", delta("before"));
    const iterator = events.subscribe("a")[Symbol.asyncIterator]();
    events.publish("a", delta("queued"));
    events.forget("a");
    expect(events.subscriberCount("a")).toBe(0);
    expect(events.totalSubscribers()).toBe(0);
    expect((await iterator.next()).value?.event).toEqual(delta("queued"));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    events.forget("never seen");
    events.publish("a", delta("after"));
    const [first] = await take(events.subscribe("a", { lastEventId: before }), 1);
    expect(first?.event).toEqual({ type: "reset" });
  });

  it("ends a waiting reader on forget", async () => {
    const events = createChatEvents();
    const iterator = events.subscribe("a")[Symbol.asyncIterator]();
    const pending = iterator.next();
    events.forget("a");
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it("with a signal already aborted, never joins but still hands over the replay", async () => {
    const events = createChatEvents();
    const ids = ["x", "y"].map((t) => events.publish("a", delta(t)));
    const controller = new AbortController();
    controller.abort();
    const iterator = events.subscribe("a", { lastEventId: ids[0], signal: controller.signal })[Symbol.asyncIterator]();
    expect(events.subscriberCount("a")).toBe(0);
    events.publish("a", delta("not delivered"));
    expect((await iterator.next()).value?.event).toEqual(delta("y"));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it("hands over what was queued before an abort, then ends", async () => {
    const events = createChatEvents();
    const controller = new AbortController();
    const iterator = events.subscribe("a", { signal: controller.signal })[Symbol.asyncIterator]();
    events.publish("a", delta("queued"));
    controller.abort();
    expect((await iterator.next()).value?.event).toEqual(delta("queued"));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(events.subscriberCount("a")).toBe(0);
  });

  it("keeps working when its methods are copied off the object (a runtime spreads it)", async () => {
    const { publish, subscribe, subscriberCount, totalSubscribers, forget } = createChatEvents();
    const received = take(subscribe("a"), 1);
    expect(subscriberCount("a")).toBe(1);
    expect(totalSubscribers()).toBe(1);
    publish("a", delta("x"));
    expect((await received).map((e) => e.event)).toEqual([delta("x")]);
    forget("a");
    expect(subscriberCount("a")).toBe(0);
  });
});
