import type { Db } from "../../db";
import type { TaskStatus } from "../../schemas/chat-event";
import type { ChatEvents } from "../chat-events";
import type { RunTracker } from "./run-tracker";
import { failTask, finishTask, isTerminal } from "./task-records";

/**
 * The tasks this process is running: each task's run (launched, perhaps behind the one ahead of
 * it in its chat), and how to stop it. A stop is bounded: a run that does not confirm within the
 * timeout is ended `cancelled` by BooChat itself, so no caller waits for ever.
 */
export type RunRegistry = ReturnType<typeof createRunRegistry>;

/** How long a stop waits for an agent to confirm before BooChat ends the task itself. */
export const STOP_TIMEOUT_MS = 10_000;

export function createRunRegistry(deps: {
  db: Db;
  events: ChatEvents;
  /** The tracker of a task launched without one (an external agent's, or one this process did not launch). */
  tracker: RunTracker;
  stopTimeoutMs?: number;
  log: (line: string) => void;
}) {
  const { db, events, log } = deps;
  const runs = new Map<string, Promise<TaskStatus>>();
  /** Each opencode run's tracker: that of its chat's host. */
  const trackers = new Map<string, RunTracker>();
  /** External agents' runs stop through their signal (SIGTERM to the group, then SIGKILL). */
  const externalAborts = new Map<string, AbortController>();

  /** One task: ask its agent to stop, wait (bounded) for the run to end, else end it here. */
  async function stopTask(taskId: string, reason: string, timeoutMs: number): Promise<void> {
    const task = await db.task.findUnique({ where: { id: taskId }, select: { status: true } });
    if (!task || isTerminal(task.status)) return;
    const tracker = trackers.get(taskId) ?? deps.tracker;
    const external = externalAborts.get(taskId);
    if (external) external.abort(reason);
    else if (!(await tracker.abort(taskId, reason))) await finishTask(db, events, taskId, "cancelled", `${reason} before it started`);
    const run = runs.get(taskId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ended = run ? await Promise.race([run.then(() => true), timeout]) : true;
    clearTimeout(timer);
    if (!ended) {
      log(`task ${taskId} did not stop within ${timeoutMs} ms: ended as cancelled`);
      await tracker.end(taskId, { status: "cancelled", error: `${reason} (the agent did not confirm within ${Math.round(timeoutMs / 1000)} s)` });
    }
  }

  /**
   * Runs `start` now, or after `after` (the run of the task ahead in the same chat) has ended, on the
   * host whose `tracker` follows it. A run never throws at its caller: whatever goes wrong ends the
   * task as failed, in words.
   */
  function launch(taskId: string, start: () => Promise<TaskStatus>, options: { after?: Promise<unknown>; tracker?: RunTracker } = {}) {
    const { after, tracker } = options;
    if (tracker) trackers.set(taskId, tracker);
    const run = after ? after.catch(() => undefined).then(start) : start();
    const guarded = run.catch(async (error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      log(`task ${taskId} failed: ${text}`);
      await failTask(db, events, taskId, text).catch(() => undefined);
      return "failed" as const;
    });
    runs.set(taskId, guarded);
    void guarded.finally(() => {
      runs.delete(taskId);
      trackers.delete(taskId);
    });
  }

  return {
    launch,

    /** An external agent's run, stopped through the signal it is given. */
    launchExternal(taskId: string, start: (signal: AbortSignal) => Promise<TaskStatus>, after?: Promise<unknown>) {
      launch(
        taskId,
        () => {
          const controller = new AbortController();
          externalAborts.set(taskId, controller);
          return start(controller.signal).finally(() => externalAborts.delete(taskId));
        },
        { after },
      );
    },

    /** The run of a task, while it runs. */
    runOf: (taskId: string) => runs.get(taskId),

    async stopTasks(taskIds: string[], options: { reason?: string; timeoutMs?: number } = {}) {
      const reason = options.reason ?? "Stopped";
      const timeoutMs = options.timeoutMs ?? deps.stopTimeoutMs ?? STOP_TIMEOUT_MS;
      await Promise.all(taskIds.map((id) => stopTask(id, reason, timeoutMs)));
    },

    /** Stops external agents at once (the server is stopping). */
    abortExternal() {
      for (const controller of externalAborts.values()) controller.abort();
    },

    /** Resolves when every run has ended. */
    async settled() {
      await Promise.all([...runs.values()]);
    },
  };
}
