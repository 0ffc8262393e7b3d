import type { GlobalEvent } from "@opencode-ai/sdk/v2";
import type { OpencodeServer } from "./opencode-process";

/**
 * ONE subscription to opencode's `/global/event`, on the pinned SDK (`client.global.event()`): its
 * typed event union, and its own reconnect with backoff after a dropped connection. opencode
 * sends `server.connected` first on every connection; from the second on, BooChat resynchronises
 * its runs (`onReconnect`), because whatever happened while the stream was down was not seen.
 *
 * What the SDK does not do, and this loop does: its stream ends for good when opencode closes the
 * connection normally, and its abort signal belongs to one stream; so an outer loop subscribes anew
 * (after opencode is ready again: a restart may move it to another port, with a new client).
 */
export type OpencodeEventSource = {
  /** Subscribes, and keeps subscribing until stopped (idempotent). */
  start(): void;
  /** Ends the current stream at once; the loop subscribes anew (opencode died, or moved). */
  reconnect(): void;
  /** True once a connection has been open (it may be down now). */
  readonly hasConnected: boolean;
  /** Resolves when a connection is open. */
  connected(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export type EventSourceOptions = {
  opencode: OpencodeServer;
  onEvent(event: GlobalEvent): void;
  /** The stream is back after a drop: events may have been missed. */
  onReconnect(): void;
  /** The SDK's retry after a dropped connection: first delay, doubled up to the cap. */
  retry?: { initialMs?: number; maxMs?: number };
  /** A connection that has not said `server.connected` by then is dropped and tried again. */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
};

export function createOpencodeEventSource(options: EventSourceOptions): OpencodeEventSource {
  const log = options.log ?? (() => {});
  let loop: Promise<void> | null = null;
  let stopped = false;
  let current: AbortController | null = null;
  let isConnected = false;
  let everConnected = false;
  const waiters = new Set<() => void>();
  let wakeOnStop: () => void = () => {};
  /** A stop does not wait for opencode to come back (a host service that is down may take its time). */
  const stopping = new Promise<void>((resolve) => {
    wakeOnStop = resolve;
  });

  function markConnected() {
    isConnected = true;
    for (const wake of waiters) wake();
    waiters.clear();
    // Anything that happened while we were away is read back from opencode's store.
    if (everConnected) options.onReconnect();
    everConnected = true;
  }

  /** One SDK stream, until it ends (opencode closed it, or it was cut). */
  async function follow(controller: AbortController) {
    const { stream } = await options.opencode.client.global.event({
      signal: controller.signal,
      sseDefaultRetryDelay: options.retry?.initialMs ?? 100,
      sseMaxRetryDelay: options.retry?.maxMs ?? 5_000,
      onSseError: (error) => {
        isConnected = false;
        if (!stopped && !controller.signal.aborted) log(`event stream: ${error instanceof Error ? error.message : String(error)}`);
      },
    });
    // Only the connection has a deadline; the stream itself stays open as long as it lives.
    const deadline = setTimeout(() => controller.abort(), options.connectTimeoutMs ?? 10_000);
    try {
      for await (const event of stream) {
        if (event.payload.type === "server.connected") {
          clearTimeout(deadline);
          markConnected();
          continue;
        }
        try {
          options.onEvent(event);
        } catch (error) {
          log(`event ${event.payload.type} could not be handled: ${String(error)}`);
        }
      }
    } finally {
      clearTimeout(deadline);
      isConnected = false;
    }
  }

  async function subscribeLoop() {
    while (!stopped) {
      const controller = new AbortController();
      current = controller;
      try {
        await Promise.race([options.opencode.ready(), stopping]);
        if (stopped) break;
        await follow(controller);
      } catch (error) {
        if (!stopped) log(`event stream: ${error instanceof Error ? error.message : String(error)}`);
      }
      current = null;
      // A stream that ends at once (opencode going away) must not spin: a short pause between tries.
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    start() {
      if (loop || stopped) return;
      loop = subscribeLoop();
    },
    reconnect() {
      current?.abort();
    },
    get hasConnected() {
      return everConnected;
    },
    async connected(timeoutMs = 30_000) {
      if (isConnected) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error("the opencode event stream did not connect in time"));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
      });
    },
    async stop() {
      stopped = true;
      wakeOnStop();
      current?.abort();
      await loop?.catch(() => undefined);
    },
  };
}
