import type { Db } from "../db";
import type { ChatEvents } from "./chat-events";
import { toStoredPart, type StoredMessage, type StoredPart, type TaskStatus } from "./message-parts";
import type { OpencodeServer } from "./opencode-server";
import { failTask, finishTask, saveMessage } from "./task-records";

/**
 * ONE reconnecting subscription to opencode's `/global/event`, and the runs it feeds.
 *
 * Each tracked run (a task prompting one opencode session) turns opencode's events into
 * `messages` rows keyed by the opencode message id (a re-delivery updates, never duplicates)
 * and into live chat events. After a reconnect, or when a run has been silent too long, the
 * run is resynchronised from `session.messages`, because some opencode releases drop deltas or
 * leave a session `busy`. A run ends on `session.idle` or when its last assistant message has
 * completed; permission prompts are answered "allow" so a run never waits for nobody.
 */

type OpencodePayload = { type: string; properties: Record<string, unknown> };

type TrackedMessage = {
  id: string;
  createdAt: Date;
  parts: StoredPart[];
  completed: boolean;
  finish: string | null;
  writing: Promise<void> | null;
  /** A write of streamed text waiting to be batched with the next deltas. */
  later: NodeJS.Timeout | null;
  dirty: boolean;
};

type Run = {
  taskId: string;
  chatId: string;
  externalId: string;
  directory: string;
  startedAt: number;
  lastActivity: number;
  messages: Map<string, TrackedMessage>;
  error: string | null;
  aborted: boolean;
  /** Why it was stopped ("Stopped", "Stopped: its tab was closed", …), kept as the task's error. */
  abortReason: string | null;
  /** Events held back while a resync is fetching the stored messages. */
  held: OpencodePayload[] | null;
  /**
   * Text parts that missed deltas while the stream was down: opencode stores a text part's text
   * only when it is complete, so the gap cannot be filled yet. They show what they had (a prefix
   * of the answer, never a wrong text) until the complete part arrives.
   */
  frozen: Set<string>;
  /** opencode has shown this run working (busy, or a message): an idle before that is a stale one. */
  active: boolean;
  finishing: boolean;
  completionTimer: NodeJS.Timeout | null;
  done: Promise<TaskStatus>;
  resolve: (status: TaskStatus) => void;
};

export type RunHandle = { done: Promise<TaskStatus>; cancelledBeforeStart: boolean };

export type RunTracker = {
  /** Starts the event subscription (idempotent). */
  start(): void;
  track(run: { taskId: string; chatId: string; externalId: string; directory: string }): RunHandle;
  /** Stop pressed: opencode aborts the session, the task ends `cancelled` with the reason. */
  abort(taskId: string, reason?: string): Promise<boolean>;
  /** The run could not go on (prompt refused, …): the task fails with this message. */
  fail(taskId: string, message: string): Promise<void>;
  /** Ends a run that did not stop when asked: the task ends `cancelled` with this reason. */
  cancel(taskId: string, reason: string): Promise<void>;
  isTracked(taskId: string): boolean;
  /** Forgets a run without ending its task (its prompt never went out; it is tracked again). */
  untrack(taskId: string): void;
  activeTaskIds(): string[];
  /** Tests: cut the event stream as a network drop would; it reconnects by itself. */
  dropConnection(): void;
  /** How many times the event stream has connected (1 + reconnects). */
  connectionCount(): number;
  /** Resolves when the event stream is connected. */
  connected(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export type RunTrackerOptions = {
  db: Db;
  events: ChatEvents;
  opencode: OpencodeServer;
  /** opencode retries a failing model call itself; past this many retries the task fails. */
  modelRetries: number;
  silenceMs: number;
  /** How long a completed final message waits for more activity before the run counts as done. */
  completionGraceMs?: number;
  /** How often streamed text is written to the database while it streams. */
  deltaWriteMs?: number;
  log?: (line: string) => void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorText(error: unknown): string | null {
  if (!error || typeof error !== "object") return null;
  const e = error as { name?: unknown; data?: { message?: unknown } };
  if (typeof e.data?.message === "string" && e.data.message) return e.data.message;
  return typeof e.name === "string" ? e.name : null;
}

/** A text or reasoning part whose streaming has ended (its text is final). */
function isComplete(part: Record<string, unknown>): boolean {
  const time = part.time as { end?: unknown } | undefined;
  return time?.end !== undefined;
}

function isAbortError(error: unknown): boolean {
  return !!error && typeof error === "object" && (error as { name?: unknown }).name === "MessageAbortedError";
}

/** How many of the leading `deltas` a resynchronised `text` already holds: the longest run of them it ends with. */
export function deltasAlreadyIn(text: string, deltas: string[]): number {
  for (let k = deltas.length; k > 0; k--) {
    const joined = deltas.slice(0, k).join("");
    if (joined.length > 0 && text.endsWith(joined)) return k;
  }
  return 0;
}

export function createRunTracker(options: RunTrackerOptions): RunTracker {
  const { db, events, opencode } = options;
  const log = options.log ?? (() => {});
  const completionGraceMs = options.completionGraceMs ?? 1_500;
  const deltaWriteMs = options.deltaWriteMs ?? 250;
  const runsByTask = new Map<string, Run>();
  const runsBySession = new Map<string, Run>();
  /** Stops asked for before the run was tracked (its prompt still on its way), with their reasons. */
  const pendingAborts = new Map<string, string>();
  let started = false;
  let stopped = false;
  let controller: AbortController | null = null;
  let isConnected = false;
  let connections = 0;
  const connectWaiters = new Set<() => void>();
  let watchdog: NodeJS.Timeout | null = null;
  let loop: Promise<void> | null = null;

  // --- messages -------------------------------------------------------------------------

  function storedMessage(run: Run, message: TrackedMessage): StoredMessage {
    return {
      id: message.id,
      chatId: run.chatId,
      taskId: run.taskId,
      role: "assistant",
      parts: message.parts.map((part) => ({ ...part })),
      createdAt: message.createdAt.toISOString(),
    };
  }

  /**
   * Streamed text is written at most every `deltaWriteMs`: a SQLite commit blocks the process,
   * and one per token would slow the very stream it records. Everything else is written at once.
   */
  function persistSoon(run: Run, message: TrackedMessage) {
    if (message.later) return;
    message.later = setTimeout(() => {
      message.later = null;
      void persist(run, message);
    }, deltaWriteMs);
  }

  function persist(run: Run, message: TrackedMessage): Promise<void> {
    if (message.later) {
      clearTimeout(message.later);
      message.later = null;
    }
    if (message.writing) {
      message.dirty = true;
      return message.writing;
    }
    message.writing = (async () => {
      do {
        message.dirty = false;
        try {
          await saveMessage(db, { id: message.id, chatId: run.chatId, taskId: run.taskId, role: "assistant", parts: message.parts, createdAt: message.createdAt });
        } catch (error) {
          log(`could not store message ${message.id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (message.dirty);
    })().finally(() => {
      message.writing = null;
    });
    return message.writing;
  }

  function messageFor(run: Run, id: string, created?: number): TrackedMessage {
    let message = run.messages.get(id);
    if (!message) {
      message = { id, createdAt: new Date(created ?? Date.now()), parts: [], completed: false, finish: null, writing: null, later: null, dirty: false };
      run.messages.set(id, message);
    }
    return message;
  }

  function publishMessage(run: Run, message: TrackedMessage) {
    events.publish(run.chatId, { type: "message", message: storedMessage(run, message) });
  }

  function belongsToRun(run: Run, created: number | undefined): boolean {
    // Messages of earlier runs in the same session are history, not this run's.
    return created === undefined || created >= run.startedAt - 1_000;
  }

  // --- events -----------------------------------------------------------------------------

  function handle(payload: OpencodePayload, directory: string | undefined) {
    const props = payload.properties ?? {};
    if (payload.type === "permission.asked") {
      answerPermission(String(props.id ?? ""), directory);
      return;
    }
    if (payload.type === "question.asked") {
      rejectQuestion(String(props.id ?? ""), directory);
      return;
    }
    const sessionID = typeof props.sessionID === "string" ? props.sessionID : null;
    if (!sessionID) return;
    const run = runsBySession.get(sessionID);
    if (!run || run.finishing) return;
    run.lastActivity = Date.now();
    if (run.held) {
      run.held.push(payload);
      return;
    }
    apply(run, payload);
  }

  function apply(run: Run, payload: OpencodePayload) {
    const props = payload.properties;
    switch (payload.type) {
      case "message.updated": {
        const info = props.info as { id: string; role: string; time?: { created?: number; completed?: number }; error?: unknown; finish?: string } | undefined;
        if (!info || info.role !== "assistant" || !belongsToRun(run, info.time?.created)) return;
        run.active = true;
        const isNew = !run.messages.has(info.id);
        const message = messageFor(run, info.id, info.time?.created);
        message.completed = info.time?.completed !== undefined;
        message.finish = info.finish ?? null;
        if (info.error) noteError(run, info.error);
        if (isNew) {
          publishMessage(run, message);
          void persist(run, message);
        }
        if (message.completed) scheduleCompletionCheck(run);
        return;
      }
      case "message.part.updated": {
        const part = props.part as ({ id: string; type: string; messageID: string } & Record<string, unknown>) | undefined;
        if (!part) return;
        const message = run.messages.get(part.messageID);
        if (!message) return; // a part of the user's own message, or of an earlier run
        const stored = toStoredPart(part);
        if (!stored) return;
        const index = message.parts.findIndex((p) => p.id === stored.id);
        const existing = index >= 0 ? message.parts[index] : undefined;
        if (existing && stored.type === existing.type && (stored.type === "text" || stored.type === "reasoning") && "text" in existing) {
          // An update of a streaming part may carry older text than the deltas gave us: keep ours.
          const complete = isComplete(part);
          if (!complete && existing.text.length > stored.text.length && existing.text.startsWith(stored.text)) return;
          if (complete) run.frozen.delete(stored.id);
        }
        if (index >= 0) message.parts[index] = stored;
        else message.parts.push(stored);
        publishMessage(run, message);
        void persist(run, message);
        return;
      }
      case "message.part.delta": {
        const messageID = String(props.messageID ?? "");
        const partID = String(props.partID ?? "");
        const delta = typeof props.delta === "string" ? props.delta : "";
        if (props.field !== "text" || !delta) return;
        const message = run.messages.get(messageID);
        if (!message) return;
        let part = message.parts.find((p) => p.id === partID);
        if (!part) {
          part = { id: partID, type: "text", text: "" };
          message.parts.push(part);
        }
        if (part.type !== "text" && part.type !== "reasoning") return;
        if (run.frozen.has(partID)) return;
        part.text += delta;
        // Published before it is written: the browser should not wait for the disk.
        events.publish(run.chatId, { type: "delta", messageId: messageID, partId: partID, kind: part.type, delta });
        persistSoon(run, message);
        return;
      }
      case "session.status": {
        const status = props.status as { type?: string; attempt?: number; message?: string } | undefined;
        if (status?.type === "busy" || status?.type === "retry") run.active = true;
        if (status?.type === "retry" && (status.attempt ?? 0) > options.modelRetries) {
          const tries = options.modelRetries + 1;
          run.error ??= `The model call failed ${tries} time${tries === 1 ? "" : "s"}: ${status.message ?? "no reason given"}`;
          void abortSession(run);
        } else if (status?.type === "idle" && run.active) {
          void finalize(run);
        }
        return;
      }
      case "session.idle":
        if (run.active) void finalize(run);
        return;
      case "session.error":
        if (props.error) noteError(run, props.error);
        return;
      default:
        return;
    }
  }

  function noteError(run: Run, error: unknown) {
    if (isAbortError(error)) {
      // An abort BooChat did not ask for (opencode's own) still ends the run.
      if (!run.error) run.aborted = true;
      return;
    }
    run.error ??= errorText(error) ?? "The agent reported an error without a message";
  }

  function answerPermission(requestID: string, directory: string | undefined) {
    if (!requestID) return;
    opencode.client.permission
      .reply({ requestID, reply: "always", ...(directory ? { directory } : {}) })
      .catch((error: unknown) => log(`could not answer permission ${requestID}: ${String(error)}`));
  }

  function rejectQuestion(requestID: string, directory: string | undefined) {
    if (!requestID) return;
    opencode.client.question
      .reject({ requestID, ...(directory ? { directory } : {}) })
      .catch((error: unknown) => log(`could not dismiss question ${requestID}: ${String(error)}`));
  }

  // --- ending a run ---------------------------------------------------------------------------

  function lastMessage(run: Run): TrackedMessage | undefined {
    let last: TrackedMessage | undefined;
    for (const message of run.messages.values()) {
      if (!last || message.createdAt >= last.createdAt) last = message;
    }
    return last;
  }

  function looksComplete(run: Run): boolean {
    const last = lastMessage(run);
    return !!last && last.completed && last.finish !== "tool-calls";
  }

  function scheduleCompletionCheck(run: Run) {
    if (!looksComplete(run)) return;
    if (run.completionTimer) clearTimeout(run.completionTimer);
    const seen = run.lastActivity;
    // session.idle normally follows at once; if it never comes (a known opencode bug), the
    // completed message ends the run once nothing else has happened for a moment.
    run.completionTimer = setTimeout(() => {
      run.completionTimer = null;
      if (run.lastActivity === seen && looksComplete(run)) void finalize(run);
    }, completionGraceMs);
  }

  async function finalize(run: Run, forced?: { status: "failed" | "cancelled"; error: string }) {
    if (run.finishing) return;
    run.finishing = true;
    if (run.completionTimer) clearTimeout(run.completionTimer);
    runsByTask.delete(run.taskId);
    if (runsBySession.get(run.externalId) === run) runsBySession.delete(run.externalId);
    await Promise.all([...run.messages.values()].map((message) => persist(run, message)));
    let status: "succeeded" | "failed" | "cancelled";
    if (forced) {
      status = forced.status;
      if (status === "failed") await failTask(db, events, run.taskId, forced.error);
      else await finishTask(db, events, run.taskId, "cancelled", forced.error);
    } else if (run.error) {
      status = "failed";
      await failTask(db, events, run.taskId, run.error);
    } else if (run.aborted) {
      status = "cancelled";
      await finishTask(db, events, run.taskId, "cancelled", run.abortReason ?? "Stopped");
    } else {
      status = "succeeded";
      await finishTask(db, events, run.taskId, "succeeded", null);
    }
    run.resolve(status);
  }

  async function abortSession(run: Run) {
    try {
      await opencode.client.session.abort({ sessionID: run.externalId, directory: run.directory });
    } catch (error) {
      log(`could not abort session ${run.externalId}: ${String(error)}`);
    }
    // If opencode never confirms (idle), the run still ends.
    setTimeout(() => void resync(run, false), 3_000).unref();
  }

  // --- resynchronising ------------------------------------------------------------------------

  /**
   * Reads the run back from opencode's store and merges it with what the stream gave us.
   * `afterGap`: the stream was down, so deltas may have been missed.
   */
  async function resync(run: Run, afterGap: boolean) {
    if (run.finishing || run.held) return;
    run.held = [];
    try {
      const [listed, statuses] = await Promise.all([
        opencode.client.session.messages({ sessionID: run.externalId, directory: run.directory }),
        opencode.client.session.status({ directory: run.directory }),
      ]);
      if (!listed.data) throw new Error(errorText(listed.error) ?? "no messages");
      const held = run.held;
      const heldDeltas = new Map<string, string[]>();
      for (const payload of held) {
        if (payload.type === "message.part.delta" && payload.properties.field === "text") {
          const partID = String(payload.properties.partID);
          heldDeltas.set(partID, [...(heldDeltas.get(partID) ?? []), String(payload.properties.delta ?? "")]);
        }
      }
      // How many held deltas of each part the merged text already holds.
      const skip = new Map<string, number>();
      for (const entry of listed.data) {
        const info = entry.info;
        if (info.role !== "assistant" || !belongsToRun(run, info.time.created)) continue;
        const message = messageFor(run, info.id, info.time.created);
        message.completed = info.time.completed !== undefined;
        message.finish = info.finish ?? null;
        if (info.error) noteError(run, info.error);
        const merged: StoredPart[] = [];
        for (const raw of entry.parts) {
          const rawPart = raw as unknown as { id: string; type: string } & Record<string, unknown>;
          const stored = toStoredPart(rawPart);
          if (!stored) continue;
          const ours = message.parts.find((p) => p.id === stored.id);
          const deltas = heldDeltas.get(stored.id) ?? [];
          if ((stored.type === "text" || stored.type === "reasoning") && ours && "text" in ours) {
            const complete = isComplete(rawPart);
            if (complete || stored.text.startsWith(ours.text)) {
              merged.push(stored);
              skip.set(stored.id, deltasAlreadyIn(stored.text, deltas));
              run.frozen.delete(stored.id);
            } else if (ours.text.startsWith(stored.text)) {
              // opencode has not stored the streaming text yet: ours is ahead.
              merged.push(ours);
              if (afterGap) {
                run.frozen.add(stored.id);
                skip.set(stored.id, deltas.length);
              }
            } else {
              merged.push(stored);
              skip.set(stored.id, deltasAlreadyIn(stored.text, deltas));
            }
          } else {
            merged.push(stored);
            if (stored.type === "text" || stored.type === "reasoning") {
              if (afterGap && !isComplete(rawPart)) {
                run.frozen.add(stored.id);
                skip.set(stored.id, deltas.length);
              } else {
                skip.set(stored.id, deltasAlreadyIn(stored.text, deltas));
              }
            }
          }
        }
        message.parts = merged;
        publishMessage(run, message);
        void persist(run, message);
      }
      run.held = null;
      for (const payload of held) {
        if (payload.type === "message.part.delta") {
          const partID = String(payload.properties.partID);
          const left = skip.get(partID) ?? 0;
          if (left > 0) {
            skip.set(partID, left - 1);
            continue;
          }
        }
        apply(run, payload);
      }
      const status = statuses.data?.[run.externalId];
      const idle = !status || status.type === "idle";
      if (idle && (looksComplete(run) || run.aborted || run.error)) await finalize(run);
      else if (idle && run.messages.size === 0 && Date.now() - run.startedAt > options.silenceMs) {
        await finalize(run, { status: "failed", error: "opencode went idle without answering" });
      }
    } catch (error) {
      log(`resync of task ${run.taskId} failed: ${error instanceof Error ? error.message : String(error)}`);
      const held = run.held ?? [];
      run.held = null;
      for (const payload of held) apply(run, payload);
    }
  }

  function resyncAll() {
    for (const run of runsByTask.values()) void resync(run, true);
  }

  // --- the subscription -----------------------------------------------------------------------

  async function readStream(response: Response) {
    const body = response.body;
    if (!body) throw new Error("no body");
    const decoder = new TextDecoder();
    let buffer = "";
    let data: string[] = [];
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (data.length > 0) {
            dispatch(data.join("\n"));
            data = [];
          }
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
      }
    }
  }

  function dispatch(raw: string) {
    let event: { directory?: string; payload?: OpencodePayload };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      return;
    }
    if (!event.payload || typeof event.payload.type !== "string") return;
    try {
      handle(event.payload, event.directory);
    } catch (error) {
      log(`event ${event.payload.type} could not be handled: ${String(error)}`);
    }
  }

  async function subscribeLoop() {
    let failures = 0;
    let everConnected = false;
    while (!stopped) {
      try {
        await opencode.ready();
        const current = new AbortController();
        controller = current;
        // Only the connection has a deadline; the stream itself stays open as long as it lives.
        const connectTimer = setTimeout(() => current.abort(), 10_000);
        const response = await fetch(`${opencode.url}/global/event`, {
          headers: { authorization: opencode.authorization, accept: "text/event-stream" },
          signal: current.signal,
        }).finally(() => clearTimeout(connectTimer));
        if (!response.ok) throw new Error(`opencode answered ${response.status} to /global/event`);
        isConnected = true;
        connections += 1;
        failures = 0;
        for (const wake of connectWaiters) wake();
        connectWaiters.clear();
        // Anything that happened while we were away is read back from opencode's store.
        if (everConnected) resyncAll();
        everConnected = true;
        await readStream(response);
      } catch (error) {
        if (!stopped) log(`event stream: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        isConnected = false;
        controller = null;
      }
      if (stopped) break;
      failures += 1;
      await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
    }
  }

  const unsubscribeExit = opencode.onExit((exit) => {
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    for (const run of [...runsByTask.values()]) {
      void finalize(run, {
        status: "failed",
        error: `opencode stopped unexpectedly (${how}) while this task was running. BooChat is restarting it; send the message again.`,
      });
    }
  });

  return {
    start() {
      if (started) return;
      started = true;
      loop = subscribeLoop();
      watchdog = setInterval(() => {
        const now = Date.now();
        for (const run of runsByTask.values()) {
          if (now - run.lastActivity > options.silenceMs && !run.held) {
            run.lastActivity = now;
            void resync(run, false);
          }
        }
      }, Math.max(250, Math.min(1_000, options.silenceMs / 2)));
      watchdog.unref();
    },

    track({ taskId, chatId, externalId, directory }) {
      let resolve: (status: TaskStatus) => void = () => {};
      const done = new Promise<TaskStatus>((r) => {
        resolve = r;
      });
      const now = Date.now();
      const run: Run = {
        taskId,
        chatId,
        externalId,
        directory,
        startedAt: now,
        lastActivity: now,
        messages: new Map(),
        error: null,
        aborted: false,
        abortReason: null,
        held: null,
        frozen: new Set(),
        active: false,
        finishing: false,
        completionTimer: null,
        done,
        resolve,
      };
      runsByTask.set(taskId, run);
      runsBySession.set(externalId, run);
      const pendingReason = pendingAborts.get(taskId);
      if (pendingReason !== undefined) {
        pendingAborts.delete(taskId);
        run.aborted = true;
        run.abortReason = pendingReason;
        void finalize(run);
        return { done, cancelledBeforeStart: true };
      }
      return { done, cancelledBeforeStart: false };
    },

    async abort(taskId, reason = "Stopped") {
      const run = runsByTask.get(taskId);
      if (!run) {
        pendingAborts.set(taskId, reason);
        return false;
      }
      run.aborted = true;
      run.abortReason = reason;
      await abortSession(run);
      return true;
    },

    async fail(taskId, message) {
      const run = runsByTask.get(taskId);
      if (run) await finalize(run, { status: "failed", error: message });
      else await failTask(db, events, taskId, message);
    },

    async cancel(taskId, reason) {
      const run = runsByTask.get(taskId);
      if (run) await finalize(run, { status: "cancelled", error: reason });
      else await finishTask(db, events, taskId, "cancelled", reason);
    },

    isTracked(taskId) {
      return runsByTask.has(taskId);
    },

    untrack(taskId) {
      const run = runsByTask.get(taskId);
      if (!run) return;
      runsByTask.delete(taskId);
      if (runsBySession.get(run.externalId) === run) runsBySession.delete(run.externalId);
    },

    activeTaskIds() {
      return [...runsByTask.keys()];
    },

    connectionCount() {
      return connections;
    },

    dropConnection() {
      controller?.abort();
    },

    async connected(timeoutMs = 30_000) {
      if (isConnected) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          connectWaiters.delete(done);
          reject(new Error("the opencode event stream did not connect in time"));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        connectWaiters.add(done);
      });
    },

    async stop() {
      stopped = true;
      unsubscribeExit();
      if (watchdog) clearInterval(watchdog);
      controller?.abort();
      for (const run of [...runsByTask.values()]) {
        await finalize(run, { status: "cancelled", error: "BooChat stopped while this task was running" });
      }
      await loop?.catch(() => undefined);
    },
  };
}
