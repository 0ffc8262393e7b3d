import { randomBytes } from "node:crypto";
import type { ChatEvent } from "../schemas/chat-event";

/**
 * In-process pub/sub per chat. Every event gets an id that increases monotonically within this
 * process (`<boot>.<n>`), and each chat keeps a bounded replay buffer, so a browser whose SSE
 * connection dropped resumes from its last event id. When the id is too old for the buffer (or
 * from an earlier process), the subscriber first gets a `reset`: reload the messages, then follow.
 */

export type ChatEventEnvelope = { id: string; event: ChatEvent };

export type ChatEvents = {
  publish(chatId: string, event: ChatEvent): string;
  subscribe(chatId: string, options?: { lastEventId?: string | null; signal?: AbortSignal }): AsyncIterable<ChatEventEnvelope>;
  /** Drops a chat's buffer (the chat is gone); its subscribers end. */
  forget(chatId: string): void;
  subscriberCount(chatId: string): number;
  /** Open subscriptions over every chat. */
  totalSubscribers(): number;
};

type Subscriber = { push(envelope: ChatEventEnvelope): void; end(): void };
type Channel = { buffer: ChatEventEnvelope[]; subscribers: Set<Subscriber> };

export function createChatEvents(options: { bufferSize?: number } = {}): ChatEvents {
  const bufferSize = options.bufferSize ?? 1000;
  const boot = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  let counter = 0;
  const channels = new Map<string, Channel>();

  function channel(chatId: string): Channel {
    let found = channels.get(chatId);
    if (!found) {
      found = { buffer: [], subscribers: new Set() };
      channels.set(chatId, found);
    }
    return found;
  }

  function sequenceOf(id: string | null | undefined): number | null {
    if (!id) return null;
    const [idBoot, n] = id.split(".");
    if (idBoot !== boot || n === undefined) return null;
    const value = Number.parseInt(n, 36);
    return Number.isFinite(value) ? value : null;
  }

  return {
    publish(chatId, event) {
      counter += 1;
      const envelope = { id: `${boot}.${counter.toString(36).padStart(8, "0")}`, event };
      const ch = channel(chatId);
      ch.buffer.push(envelope);
      if (ch.buffer.length > bufferSize) ch.buffer.splice(0, ch.buffer.length - bufferSize);
      for (const subscriber of ch.subscribers) subscriber.push(envelope);
      return envelope.id;
    },

    subscribe(chatId, { lastEventId, signal } = {}) {
      return {
        [Symbol.asyncIterator](): AsyncIterator<ChatEventEnvelope> {
          const ch = channel(chatId);
          const queue: ChatEventEnvelope[] = [];
          let wake: (() => void) | null = null;
          let done = false;

          const subscriber: Subscriber = {
            push(envelope) {
              queue.push(envelope);
              wake?.();
            },
            end() {
              done = true;
              wake?.();
            },
          };

          // Replay before joining: both happen in this same tick, so nothing slips between them.
          if (lastEventId) {
            const last = sequenceOf(lastEventId);
            const oldest = ch.buffer[0] ? sequenceOf(ch.buffer[0].id) : null;
            const replayable = last !== null && (oldest === null ? last <= counter : last >= oldest - 1);
            if (replayable) {
              for (const envelope of ch.buffer) {
                const seq = sequenceOf(envelope.id);
                if (seq !== null && seq > last) queue.push(envelope);
              }
            } else {
              counter += 1;
              queue.push({ id: `${boot}.${counter.toString(36).padStart(8, "0")}`, event: { type: "reset" } });
            }
          }
          ch.subscribers.add(subscriber);

          const onAbort = () => subscriber.end();
          signal?.addEventListener("abort", onAbort, { once: true });
          const cleanup = () => {
            done = true;
            ch.subscribers.delete(subscriber);
            signal?.removeEventListener("abort", onAbort);
          };
          if (signal?.aborted) cleanup();

          return {
            async next() {
              for (;;) {
                const envelope = queue.shift();
                if (envelope) return { value: envelope, done: false };
                if (done) {
                  cleanup();
                  return { value: undefined, done: true };
                }
                await new Promise<void>((resolve) => {
                  wake = resolve;
                });
                wake = null;
              }
            },
            async return() {
              cleanup();
              return { value: undefined, done: true };
            },
          };
        },
      };
    },

    forget(chatId) {
      const ch = channels.get(chatId);
      if (!ch) return;
      for (const subscriber of ch.subscribers) subscriber.end();
      channels.delete(chatId);
    },

    subscriberCount(chatId) {
      return channels.get(chatId)?.subscribers.size ?? 0;
    },

    totalSubscribers() {
      let total = 0;
      for (const ch of channels.values()) total += ch.subscribers.size;
      return total;
    },
  };
}
