import type { GlobalEvent, OpencodeClient } from "@opencode-ai/sdk/v2";
import type { Db } from "../../db";
import { describeSdkError } from "../../lib/sdk-error";
import type { TaskStatus } from "../../schemas/chat-event";
import type { ChatEvents } from "../chat-events";
import { endAfterResync, endOf, looksComplete, type RunEnd } from "./completion";
import { createMessageWriter, type MessageWriter } from "./message-writer";
import { reduceRunEvent } from "./run-reducer";
import { newRunState, type RunEffect, type RunEvent, type RunState } from "./run-state";
import { mergeResync } from "./resync-merge";
import { endTask, saveMessage } from "./task-records";

/**
 * The runs opencode is carrying (a task prompting one opencode session), fed by the one event
 * source: each event goes through the pure reducer, and the effects it asks for are carried out
 * here (publish, write, end, abort). After a reconnect, or when a run has been silent too long, the
 * run is read back from `session.messages` and merged (some opencode releases drop deltas or leave
 * a session `busy`). Permission prompts are answered "always" so a run never waits for nobody.
 */

type Tracked = {
  readonly externalId: string;
  readonly directory: string;
  state: RunState;
  lastActivity: number;
  /** Events held back while a resync is reading the stored messages. */
  held: RunEvent[] | null;
  finishing: boolean;
  completionTimer: NodeJS.Timeout | null;
  writer: MessageWriter;
  resolve: (status: TaskStatus) => void;
};

export type RunHandle = { done: Promise<TaskStatus>; cancelledBeforeStart: boolean };

export type RunTrackerOptions = {
  db: Db;
  events: ChatEvents;
  /** opencode's SDK client as it is now (a restart on another port makes a new one). */
  client: () => OpencodeClient;
  modelRetries: number;
  /** A run silent this long is read back from opencode's store. */
  silenceMs: number;
  /** How long a completed final message waits for more activity before the run counts as done. */
  completionGraceMs?: number;
  /** How often streamed text is written to the database while it streams. */
  deltaWriteMs?: number;
  log?: (line: string) => void;
};

const RUN_EVENTS = new Set<string>(["message.updated", "message.part.updated", "message.part.delta", "session.status", "session.idle", "session.error"]);

function isRunEvent(payload: GlobalEvent["payload"]): payload is RunEvent {
  return RUN_EVENTS.has(payload.type);
}

export type RunTracker = ReturnType<typeof createRunTracker>;

/** What the tracker keeps: its options and the runs, by task and by opencode session. */
type Tracker = {
  options: RunTrackerOptions;
  db: Db;
  events: ChatEvents;
  log: (line: string) => void;
  completionGraceMs: number;
  byTask: Map<string, Tracked>;
  bySession: Map<string, Tracked>;
};

function carryOut(t: Tracker, run: Tracked, effects: RunEffect[]) {
  for (const effect of effects) {
    if (effect.type === "publish") t.events.publish(run.state.chatId, effect.event);
    else if (effect.type === "save") effect.soon ? run.writer.writeSoon(effect.messageId) : void run.writer.write(effect.messageId);
    else if (effect.type === "finish") void finalize(t, run);
    else if (effect.type === "abortSession") void abortSession(t, run);
    else scheduleCompletionCheck(t, run);
  }
}

function apply(t: Tracker, run: Tracked, event: RunEvent) {
  const reduced = reduceRunEvent(run.state, event, { modelRetries: t.options.modelRetries });
  run.state = reduced.state;
  carryOut(t, run, reduced.effects);
}

/** One event of the source: answered (permission, question) or handed to its run. */
function handle(t: Tracker, { payload, directory }: GlobalEvent) {
  if (payload.type === "permission.asked") {
    t.options
      .client()
      .permission.reply({ requestID: payload.properties.id, reply: "always", directory })
      .catch((error: unknown) => t.log(`could not answer permission ${payload.properties.id}: ${String(error)}`));
    return;
  }
  if (payload.type === "question.asked") {
    t.options
      .client()
      .question.reject({ requestID: payload.properties.id, directory })
      .catch((error: unknown) => t.log(`could not dismiss question ${payload.properties.id}: ${String(error)}`));
    return;
  }
  if (!isRunEvent(payload)) return;
  const sessionID = payload.properties.sessionID;
  const run = sessionID ? t.bySession.get(sessionID) : undefined;
  if (!run || run.finishing) return;
  run.lastActivity = Date.now();
  if (run.held) run.held.push(payload);
  else apply(t, run, payload);
}

function scheduleCompletionCheck(t: Tracker, run: Tracked) {
  if (!looksComplete(run.state)) return;
  if (run.completionTimer) clearTimeout(run.completionTimer);
  const seen = run.lastActivity;
  // session.idle normally follows at once; if it never comes (a known opencode bug), the
  // completed message ends the run once nothing else has happened for a moment.
  run.completionTimer = setTimeout(() => {
    run.completionTimer = null;
    if (run.lastActivity === seen && looksComplete(run.state)) void finalize(t, run);
  }, t.completionGraceMs);
}

function forget(t: Tracker, run: Tracked) {
  if (t.byTask.get(run.state.taskId) === run) t.byTask.delete(run.state.taskId);
  if (t.bySession.get(run.externalId) === run) t.bySession.delete(run.externalId);
}

/** Ends the run once: every message written, then the task's end state (its own, or the one given). */
async function finalize(t: Tracker, run: Tracked, end: RunEnd = endOf(run.state)) {
  if (run.finishing) return;
  run.finishing = true;
  if (run.completionTimer) clearTimeout(run.completionTimer);
  forget(t, run);
  await Promise.all([...run.state.messages.keys()].map((id) => run.writer.write(id)));
  await endTask(t.db, t.events, run.state.taskId, end);
  run.resolve(end.status);
}

async function abortSession(t: Tracker, run: Tracked) {
  try {
    await t.options.client().session.abort({ sessionID: run.externalId, directory: run.directory });
  } catch (error) {
    t.log(`could not abort session ${run.externalId}: ${String(error)}`);
  }
  // If opencode never confirms (idle), the run still ends.
  setTimeout(() => void resync(t, run, false), 3_000).unref();
}

/** Reads the run back from opencode's store and merges it with what the stream gave us. */
async function resync(t: Tracker, run: Tracked, afterGap: boolean) {
  if (run.finishing || run.held) return;
  run.held = [];
  try {
    const client = t.options.client();
    const [listed, statuses] = await Promise.all([
      client.session.messages({ sessionID: run.externalId, directory: run.directory }),
      client.session.status({ directory: run.directory }),
    ]);
    if (!listed.data) throw new Error(describeSdkError(listed.error, "no messages"));
    const merged = mergeResync(run.state, listed.data, run.held, afterGap);
    run.held = null;
    run.state = merged.state;
    carryOut(t, run, merged.effects);
    for (const event of merged.replay) apply(t, run, event);
    const status = statuses.data?.[run.externalId];
    const end = endAfterResync(run.state, !status || status.type === "idle", Date.now(), t.options.silenceMs);
    if (end) await finalize(t, run, end);
  } catch (error) {
    t.log(`resync of task ${run.state.taskId} failed: ${error instanceof Error ? error.message : String(error)}`);
    const held = run.held ?? [];
    run.held = null;
    for (const event of held) apply(t, run, event);
  }
}

/** A writer that stores the run's messages as they stand when it writes. */
function writerFor(t: Tracker, current: () => RunState): MessageWriter {
  return createMessageWriter({
    batchMs: t.options.deltaWriteMs ?? 250,
    log: t.log,
    save: async (id) => {
      const { taskId, chatId, messages } = current();
      const message = messages.get(id);
      if (!message) return;
      await saveMessage(t.db, { id, chatId, taskId, role: "assistant", parts: message.parts, createdAt: new Date(message.createdAt) });
    },
  });
}

export function createRunTracker(options: RunTrackerOptions) {
  const t: Tracker = {
    options,
    db: options.db,
    events: options.events,
    log: options.log ?? (() => {}),
    completionGraceMs: options.completionGraceMs ?? 1_500,
    byTask: new Map(),
    bySession: new Map(),
  };
  const { db, events, byTask, bySession } = t;
  /** Stops asked for before the run was tracked (its prompt still on its way), with their reasons. */
  const pendingAborts = new Map<string, string>();
  let watchdog: NodeJS.Timeout | null = null;

  return {
    handle: (event: GlobalEvent) => handle(t, event),

    /** Registers a run before its prompt goes out, so not one of its events is missed. */
    track(input: { taskId: string; chatId: string; externalId: string; directory: string }): RunHandle {
      let resolve: (status: TaskStatus) => void = () => {};
      const done = new Promise<TaskStatus>((r) => {
        resolve = r;
      });
      const now = Date.now();
      let state = newRunState({ taskId: input.taskId, chatId: input.chatId, startedAt: now });
      const run: Tracked = {
        get state() {
          return state;
        },
        set state(next) {
          state = next;
        },
        externalId: input.externalId,
        directory: input.directory,
        lastActivity: now,
        held: null,
        finishing: false,
        completionTimer: null,
        writer: writerFor(t, () => state),
        resolve,
      };
      byTask.set(input.taskId, run);
      bySession.set(input.externalId, run);
      const pendingReason = pendingAborts.get(input.taskId);
      if (pendingReason === undefined) return { done, cancelledBeforeStart: false };
      pendingAborts.delete(input.taskId);
      run.state = { ...run.state, aborted: true, abortReason: pendingReason };
      void finalize(t, run);
      return { done, cancelledBeforeStart: true };
    },

    /** Stop pressed: opencode aborts the session, the task ends `cancelled` with the reason. False: not tracked (yet). */
    async abort(taskId: string, reason = "Stopped"): Promise<boolean> {
      const run = byTask.get(taskId);
      if (!run) {
        pendingAborts.set(taskId, reason);
        return false;
      }
      run.state = { ...run.state, aborted: true, abortReason: reason };
      await abortSession(t, run);
      return true;
    },

    /** Ends a run (or, untracked, its task) with this end: a refused prompt, a stop not confirmed in time. */
    async end(taskId: string, end: RunEnd & { error: string }): Promise<void> {
      const run = byTask.get(taskId);
      if (run) await finalize(t, run, end);
      else await endTask(db, events, taskId, end);
    },

    isTracked: (taskId: string) => byTask.has(taskId),

    /** Forgets a run without ending its task (its prompt never went out; it is tracked again). */
    untrack(taskId: string) {
      const run = byTask.get(taskId);
      if (run) forget(t, run);
    },

    /** The event stream came back: anything that happened meanwhile is read back from opencode's store. */
    resyncAll() {
      for (const run of byTask.values()) void resync(t, run, true);
    },

    /** Every run ends with this end (opencode died under them, or BooChat is stopping). */
    async endAll(end: RunEnd & { error: string }) {
      await Promise.all([...byTask.values()].map((run) => finalize(t, run, end)));
    },

    /** Watches for silent runs until stopped. */
    start() {
      if (watchdog) return;
      watchdog = setInterval(() => {
        const now = Date.now();
        for (const run of byTask.values()) {
          if (now - run.lastActivity > options.silenceMs && !run.held) {
            run.lastActivity = now;
            void resync(t, run, false);
          }
        }
      }, Math.max(250, Math.min(1_000, options.silenceMs / 2)));
      watchdog.unref();
    },

    stop() {
      if (watchdog) clearInterval(watchdog);
      watchdog = null;
    },
  };
}
