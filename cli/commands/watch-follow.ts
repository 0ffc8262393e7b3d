import type { Unsubscribable } from "@trpc/server/observable";
import type { ChatEvent } from "../../server/schemas/chat-event";
import { EXIT } from "../args";
import { describeError, type BoochatClient, type CliSettings } from "../client";
import { TERMINAL, type TaskDetails, type TaskReply } from "./watch-reply";

/** How often the task's status is checked while the live stream runs (a safety net for a missed event). */
const CHECK_MS = 5_000;
/** How often to poll when the live stream is broken. */
const POLL_MS = 1_000;
/** How long the live stream may stay down before we poll instead. */
const STREAM_GRACE_MS = 3_000;
/** Consecutive failed polls (about half a minute) before the app counts as gone. */
const MAX_POLL_FAILURES = 30;

type Outcome = { resolve: (code: number) => void; reject: (error: unknown) => void };

/**
 * Follows a running task until it ends: live over `chat.events` (SSE), with `task.get` checked
 * now and then; when the stream stays broken, polling `task.get` and `chat.messages` instead.
 * Resolves to the exit code (0 succeeded, 2 failed, 3 cancelled, 130 Ctrl-C).
 */
export function followRunningTask(client: BoochatClient, settings: CliSettings, taskId: string, reply: TaskReply): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    new RunningTaskWatch(client, settings, taskId, reply, { resolve, reject }).start();
  });
}

/** One watch's state, so the stream's handlers, the timed checks and Ctrl-C all see the same. */
class RunningTaskWatch {
  /** Ended (final print, failure or Ctrl-C): later events and checks do nothing. */
  private settled = false;
  private subscription: Unsubscribable | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The live stream was given up (or there is no chat): the checks read the stored reply. */
  private polling: boolean;
  /** When the live stream broke and began reconnecting; null while it is up. */
  private streamDownSince: number | null = null;
  private pollFailures = 0;
  /** A check is on its way: a timer firing meanwhile does not start a second one. */
  private checking = false;
  /** The end is known; the final read is queued behind the live events. */
  private ending = false;
  // Events are handled one after another: a reset reloads the messages before later deltas apply.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: BoochatClient,
    private readonly settings: CliSettings,
    private readonly taskId: string,
    private readonly reply: TaskReply,
    private readonly outcome: Outcome,
  ) {
    // A task without a chat has no live stream: it is polled from the start.
    this.polling = !reply.chatId;
  }

  /** Ctrl-C is ours until the watch ends; with no stream to follow, the first check comes at once. */
  start() {
    process.once("SIGINT", this.onInterrupt);
    if (this.reply.chatId) this.followStream(this.reply.chatId);
    this.schedule(this.polling ? 0 : CHECK_MS);
  }

  /** The live stream: its events print the reply as it grows; a `task` event says it has ended. */
  private followStream(chatId: string) {
    this.subscription = this.client.chat.events.subscribe(
      // An id the server cannot replay from: it answers with `reset` first, the moment we join,
      // and the stored messages are read after that (nothing falls between the two).
      { chatId, lastEventId: "0" },
      {
        onData: ({ data: event }) => this.enqueue(() => this.onLiveEvent(event)),
        // Connected again, or broken and retrying: the checks poll once it has been down too long.
        onConnectionStateChange: (state) => {
          if (state.state === "pending") this.streamDownSince = null;
          else if (state.state === "connecting" && state.error) this.streamDownSince ??= Date.now();
        },
        onError: () => {
          // Not retryable (refused, the chat went away): the status checks decide what follows.
          this.startPolling();
          if (!this.checking) this.schedule(0);
        },
      },
    );
  }

  /** One live event, in turn: it prints, or (a `task` event saying ours has ended) ends the watch. */
  private async onLiveEvent(event: ChatEvent) {
    if (this.settled || this.polling) return;
    if (event.type !== "task") return this.reply.applyLiveEvent(event);
    if (event.task.id !== this.taskId || !TERMINAL.has(event.task.status)) return;
    // The final print takes the task as `task.get` gives it (the event's view has no output).
    const task = await this.client.task.get.query({ id: this.taskId });
    return this.finishWith(task);
  }

  /** Live events and the final print run in order; a failure among them ends the watch. */
  private enqueue(work: () => Promise<void> | void) {
    this.queue = this.queue.then(work).catch((error: unknown) => this.fail(error));
  }

  /** The live stream stays broken or was refused: from now on the checks read the stored reply. */
  private startPolling() {
    if (this.polling) return;
    this.polling = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.reply.line(`(live stream lost: polling task ${this.taskId})`);
  }

  /** One timer at a time: a new schedule replaces the pending check; none once the watch ended. */
  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.settled ? null : setTimeout(() => void this.check(), ms);
  }

  /** A status check, one at a time; the next comes sooner while the stream is down or we poll. */
  private async check() {
    this.timer = null;
    if (this.settled || this.checking) return;
    this.checking = true;
    try {
      await this.checkOnce();
    } finally {
      this.checking = false;
    }
    const often = this.polling || this.streamDownSince !== null || this.reply.isBehind();
    if (!this.settled && !this.ending && !this.timer) this.schedule(often ? POLL_MS : CHECK_MS);
  }

  /** Has the task ended (then the final print), and, when polling or behind, what is stored so far. */
  private async checkOnce() {
    // The stream keeps failing (a proxy that drops SSE, a restart loop): poll instead.
    if (this.streamDownSince !== null && Date.now() - this.streamDownSince > STREAM_GRACE_MS) this.startPolling();
    try {
      const task = await this.client.task.get.query({ id: this.taskId });
      this.pollFailures = 0;
      if (TERMINAL.has(task.status)) {
        // Let queued live events print first; the final read completes whatever they missed.
        this.ending = true;
        this.enqueue(() => this.finishWith(task));
        return;
      }
      // Polling, or holding stored text the live deltas cannot extend: read the stored messages.
      if (this.polling || this.reply.isBehind()) await this.reply.printStored(task);
    } catch (error) {
      this.pollFailures += 1;
      if (this.pollFailures >= MAX_POLL_FAILURES || !isTransient(error)) this.fail(error);
    }
  }

  /** Ends the watch once: whichever of the end, a failure or Ctrl-C comes first wins. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.subscription?.unsubscribe();
    this.subscription = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    process.off("SIGINT", this.onInterrupt);
    return true;
  }

  /** The task has ended: its whole reply and status, then its exit code. */
  private finishWith(task: TaskDetails): Promise<void> | undefined {
    if (!this.settle()) return;
    return this.reply.printFinal(task).then(this.outcome.resolve, (error: unknown) => {
      this.outcome.reject(describeError(error, this.settings));
    });
  }

  /** The app is gone or refuses: the text so far ends with a newline, then the error (one line). */
  private fail(error: unknown) {
    if (!this.settle()) return;
    this.reply.finishText();
    this.outcome.reject(describeError(error, this.settings));
  }

  /** Ctrl-C stops the watching, not the task: it says how to stop that. */
  private readonly onInterrupt = () => {
    if (!this.settle()) return;
    this.reply.finishText();
    this.reply.line(`Stopped watching task ${this.taskId}; it keeps running (boochat cancel ${this.taskId} stops it).`);
    this.outcome.resolve(EXIT.interrupted);
  };
}

/** A network hiccup is worth another try; a tRPC error (the task is gone) is not. */
function isTransient(error: unknown): boolean {
  return !(typeof error === "object" && error !== null && "data" in error && (error as { data: unknown }).data);
}
