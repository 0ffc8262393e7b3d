import type { Unsubscribable } from "@trpc/server/observable";
import { EXIT } from "../args";
import { describeError, type BoochatClient, type CliSettings, type RouterOutputs } from "../client";
import type { CliIO } from "../io";
import { TaskTranscript, TranscriptPrinter, type Segment } from "../transcript";

type TaskInfo = Pick<RouterOutputs["task"]["get"], "id" | "chatId" | "status" | "error">;

/** How often the task's status is checked while the live stream runs (a safety net for a missed event). */
const CHECK_MS = 5_000;
/** How often to poll when the live stream is broken. */
const POLL_MS = 1_000;
/** How long the live stream may stay down before we poll instead. */
const STREAM_GRACE_MS = 3_000;
/** Consecutive failed polls (about half a minute) before the app counts as gone. */
const MAX_POLL_FAILURES = 30;

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export function exitCodeOf(status: string): number {
  if (status === "succeeded") return EXIT.ok;
  if (status === "cancelled") return EXIT.cancelled;
  return EXIT.failed;
}

function statusLine(task: TaskInfo): string {
  if (task.status === "succeeded") return `Task ${task.id} succeeded.`;
  if (task.status === "cancelled") return `Task ${task.id} was cancelled.`;
  return `Task ${task.id} failed${task.error ? `: ${task.error}` : "."}`;
}

/**
 * Follows a task until it ends: live over `chat.events` (SSE), with `task.get` checked now and
 * then; when the stream stays broken, polling `task.get` and `chat.messages` instead. Resolves
 * to the exit code (0 succeeded, 2 failed, 3 cancelled, 130 Ctrl-C).
 */
export async function watchTask(client: BoochatClient, settings: CliSettings, taskId: string, io: CliIO): Promise<number> {
  const first = await client.task.get.query({ id: taskId });
  const chatId = first.chatId;
  const transcript = new TaskTranscript(taskId);
  const printer = new TranscriptPrinter({ text: (chunk) => io.stdout.write(chunk), line: (text) => io.stderr.write(`${text}\n`) });
  // A task without a chat (none should exist) still has its text in `output`.
  const outputSegments = (output: string | null): Segment[] => (output ? [{ kind: "text", id: "output", text: output }] : []);

  async function loadMessages(final: boolean) {
    if (!chatId) return;
    transcript.load(await client.chat.messages.query({ chatId }), final);
  }

  async function finalPrint(task: RouterOutputs["task"]["get"]): Promise<number> {
    if (chatId) {
      await loadMessages(true);
      printer.print(transcript.segments(), true);
    } else {
      printer.print(outputSegments(task.output), true);
    }
    printer.finish();
    printer.line(statusLine(task));
    return exitCodeOf(task.status);
  }

  if (TERMINAL.has(first.status)) return finalPrint(first);

  return new Promise<number>((resolve, reject) => {
    let settled = false;
    let subscription: Unsubscribable | null = null;
    let timer: NodeJS.Timeout | null = null;
    let polling = !chatId;
    let streamDownSince: number | null = null;
    let pollFailures = 0;
    let checking = false;
    /** The end is known; the final read is queued behind the live events. */
    let ending = false;
    // Events are handled one after another: a reset reloads the messages before later deltas apply.
    let queue: Promise<void> = Promise.resolve();

    const stop = () => {
      subscription?.unsubscribe();
      subscription = null;
      if (timer) clearTimeout(timer);
      timer = null;
      process.off("SIGINT", onInterrupt);
    };
    const done = (finish: () => Promise<number>) => {
      if (settled) return;
      settled = true;
      stop();
      return finish().then(resolve, (error: unknown) => reject(describeError(error, settings)));
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stop();
      printer.finish();
      reject(describeError(error, settings));
    };
    function onInterrupt() {
      if (settled) return;
      settled = true;
      stop();
      printer.finish();
      printer.line(`Stopped watching task ${taskId}; it keeps running (boochat cancel ${taskId} stops it).`);
      resolve(EXIT.interrupted);
    }
    process.once("SIGINT", onInterrupt);

    const enqueue = (work: () => Promise<void> | void) => {
      queue = queue.then(work).catch(fail);
    };

    function startPolling() {
      if (polling) return;
      polling = true;
      subscription?.unsubscribe();
      subscription = null;
      printer.line(`(live stream lost: polling task ${taskId})`);
    }

    function schedule(ms: number) {
      if (timer) clearTimeout(timer);
      timer = settled ? null : setTimeout(() => void check(), ms);
    }

    async function check() {
      timer = null;
      if (settled || checking) return;
      checking = true;
      try {
        await checkOnce();
      } finally {
        checking = false;
      }
      const often = polling || streamDownSince !== null || transcript.isBehind();
      if (!settled && !ending && !timer) schedule(often ? POLL_MS : CHECK_MS);
    }

    async function checkOnce() {
      // The stream keeps failing (a proxy that drops SSE, a restart loop): poll instead.
      if (streamDownSince !== null && Date.now() - streamDownSince > STREAM_GRACE_MS) startPolling();
      try {
        const task = await client.task.get.query({ id: taskId });
        pollFailures = 0;
        if (TERMINAL.has(task.status)) {
          // Let queued live events print first; the final read completes whatever they missed.
          ending = true;
          enqueue(() => done(() => finalPrint(task)));
          return;
        }
        // Polling, or holding stored text the live deltas cannot extend: read the stored messages.
        if (polling || transcript.isBehind()) {
          if (chatId) {
            await loadMessages(false);
            printer.print(transcript.segments());
          } else printer.print(outputSegments(task.output));
        }
      } catch (error) {
        pollFailures += 1;
        if (pollFailures >= MAX_POLL_FAILURES || !isTransient(error)) fail(error);
      }
    }

    if (chatId) {
      subscription = client.chat.events.subscribe(
        // An id the server cannot replay from: it answers with `reset` first, the moment we join,
        // and the stored messages are read after that (nothing falls between the two).
        { chatId, lastEventId: "0" },
        {
          onData: ({ data: event }) =>
            enqueue(async () => {
              if (settled || polling) return;
              if (event.type === "reset") await loadMessages(false);
              else if (event.type === "task") {
                if (event.task.id === taskId && TERMINAL.has(event.task.status)) {
                  const task = await client.task.get.query({ id: taskId });
                  return done(() => finalPrint(task));
                }
                return;
              } else transcript.apply(event);
              printer.print(transcript.segments());
            }),
          onConnectionStateChange: (state) => {
            if (state.state === "pending") streamDownSince = null;
            else if (state.state === "connecting" && state.error) streamDownSince ??= Date.now();
          },
          onError: () => {
            // Not retryable (refused, the chat went away): the status checks decide what follows.
            startPolling();
            if (!checking) schedule(0);
          },
        },
      );
    }
    schedule(polling ? 0 : CHECK_MS);
  });
}

/** A network hiccup is worth another try; a tRPC error (the task is gone) is not. */
function isTransient(error: unknown): boolean {
  return !(typeof error === "object" && error !== null && "data" in error && (error as { data: unknown }).data);
}
