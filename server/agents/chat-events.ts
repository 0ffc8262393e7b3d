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

type EventIds = {
  /** Mints the next id. */
  next(): string;
  /** The sequence number inside an id minted here; null for another process's id or a malformed one. */
  sequenceOf(id: string | null | undefined): number | null;
  /** The sequence number of the newest id minted so far. */
  latest(): number;
};

/**
 * Ids are `<boot>.<n>`, n in base 36 padded to 8 digits: padding makes them sort as strings, and
 * the boot part tells an id of this process from one handed out before a restart.
 */
function createEventIds(): EventIds {
  const boot = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  let counter = 0;
  return {
    next() {
      counter += 1;
      return `${boot}.${counter.toString(36).padStart(8, "0")}`;
    },
    sequenceOf(id) {
      if (!id) return null;
      const [idBoot, n] = id.split(".");
      if (idBoot !== boot || n === undefined) return null;
      const value = Number.parseInt(n, 36);
      return Number.isFinite(value) ? value : null;
    },
    latest: () => counter,
  };
}

/**
 * What a subscriber resuming after `lastEventId` gets before the live events: the buffered events
 * after it, or a lone `reset` when the buffer no longer reaches back to it, so the browser reloads
 * the messages instead of silently missing some.
 */
function replayAfter(buffer: readonly ChatEventEnvelope[], lastEventId: string, ids: EventIds): ChatEventEnvelope[] {
  const last = ids.sequenceOf(lastEventId);
  const oldest = buffer[0] ? ids.sequenceOf(buffer[0].id) : null;
  // An empty buffer has dropped nothing, so any id minted so far resumes; otherwise nothing after
  // `last` may have been dropped: it is the oldest kept event's predecessor or newer.
  const reaches = last !== null && (oldest === null ? last <= ids.latest() : last >= oldest - 1);
  if (last === null || !reaches) return [{ id: ids.next(), event: { type: "reset" } }];
  return buffer.filter((envelope) => {
    const seq = ids.sequenceOf(envelope.id);
    return seq !== null && seq > last;
  });
}

/**
 * Joins a channel and reads it as an async iterator. Each subscriber has its own unbounded queue,
 * so publishing never waits on a slow tab (open streams are capped by the caller instead). After
 * an end (abort, forget) the reader still gets what was queued, then `done`.
 */
function followChannel(channel: Channel, replay: ChatEventEnvelope[], signal: AbortSignal | undefined): AsyncIterator<ChatEventEnvelope> {
  const queue = replay;
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
  channel.subscribers.add(subscriber);

  const onAbort = () => subscriber.end();
  signal?.addEventListener("abort", onAbort, { once: true });
  const leave = () => {
    done = true;
    channel.subscribers.delete(subscriber);
    signal?.removeEventListener("abort", onAbort);
  };
  if (signal?.aborted) leave();

  return {
    async next() {
      for (;;) {
        const envelope = queue.shift();
        if (envelope) return { value: envelope, done: false };
        if (done) {
          leave();
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    },
    async return() {
      leave();
      return { value: undefined, done: true };
    },
  };
}

// A plain object of closures, not a class: the unavailable runtime spreads it (`{ ...events }`).
export function createChatEvents(options: { bufferSize?: number } = {}): ChatEvents {
  const bufferSize = options.bufferSize ?? 1000;
  const ids = createEventIds();
  const channels = new Map<string, Channel>();

  function channelOf(chatId: string): Channel {
    let found = channels.get(chatId);
    if (!found) {
      found = { buffer: [], subscribers: new Set() };
      channels.set(chatId, found);
    }
    return found;
  }

  return {
    publish(chatId, event) {
      const envelope = { id: ids.next(), event };
      const channel = channelOf(chatId);
      channel.buffer.push(envelope);
      if (channel.buffer.length > bufferSize) channel.buffer.splice(0, channel.buffer.length - bufferSize);
      for (const subscriber of channel.subscribers) subscriber.push(envelope);
      return envelope.id;
    },

    subscribe(chatId, { lastEventId, signal } = {}) {
      return {
        // Joins per iterator, when iteration starts: a caller may subscribe before it first looks.
        [Symbol.asyncIterator](): AsyncIterator<ChatEventEnvelope> {
          const channel = channelOf(chatId);
          // Replay before joining: both happen in this same tick, so nothing slips between them.
          const replay = lastEventId ? replayAfter(channel.buffer, lastEventId, ids) : [];
          return followChannel(channel, replay, signal);
        },
      };
    },

    forget(chatId) {
      const channel = channels.get(chatId);
      if (!channel) return;
      for (const subscriber of channel.subscribers) subscriber.end();
      channels.delete(chatId);
    },

    subscriberCount(chatId) {
      return channels.get(chatId)?.subscribers.size ?? 0;
    },

    totalSubscribers() {
      let total = 0;
      for (const channel of channels.values()) total += channel.subscribers.size;
      return total;
    },
  };
}
