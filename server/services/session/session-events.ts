import { EventEmitter } from "node:events";
import type { Db } from "../../db";

import type { ActiveChat, SessionEvent } from "../../schemas/session-event";

// Process-wide, like the agent runtime: the services that change sessions publish without being
// handed the bus, and Next.js hot reloads keep one instance.
const globalForSessionEvents = globalThis as unknown as { boochatSessionChanges?: EventEmitter };

function sessionChanges(): EventEmitter {
  if (!globalForSessionEvents.boochatSessionChanges) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0); // one listener per open window
    globalForSessionEvents.boochatSessionChanges = emitter;
  }
  return globalForSessionEvents.boochatSessionChanges;
}

/** Tells every open window that sessions changed (created, renamed, deleted), so each reloads its list. */
export function publishSessionChange(): void {
  sessionChanges().emit("change");
}

/** The tabs with a queued or running task, one row per tab (running wins over queued), in chat id order. */
export async function activeChats(db: Db): Promise<ActiveChat[]> {
  const tasks = await db.task.findMany({
    where: { status: { in: ["queued", "running"] }, chatId: { not: null } },
    select: { chatId: true, sessionId: true, status: true },
  });
  const byChat = new Map<string, ActiveChat>();
  for (const task of tasks) {
    if (!task.chatId) continue;
    const status = task.status === "running" ? "running" : "queued";
    if (byChat.get(task.chatId)?.status !== "running") byChat.set(task.chatId, { chatId: task.chatId, sessionId: task.sessionId, status });
  }
  return [...byChat.values()].sort((a, b) => a.chatId.localeCompare(b.chatId));
}

const activityKey = (active: ActiveChat[]) => active.map((a) => `${a.chatId}:${a.status}`).join(",");

/**
 * The stream one window follows: the activity at once, then "sessions-changed" whenever a session
 * is created, renamed or deleted (pushed by publishSessionChange), and the activity again when it
 * changes. Task starts and ends have no BooChat-wide publisher, so the activity is re-read (one
 * small query) every `activityIntervalMs` and after every session change, and sent only when it differs.
 */
export async function* sessionEventStream(deps: { db: Db; activityIntervalMs?: number }, signal?: AbortSignal): AsyncGenerator<SessionEvent> {
  const interval = deps.activityIntervalMs ?? 1_000;
  const emitter = sessionChanges();
  let changed = false;
  let wake: (() => void) | null = null;
  const onChange = () => {
    changed = true;
    wake?.();
  };
  const onAbort = () => wake?.();
  emitter.on("change", onChange);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    let last = await activeChats(deps.db);
    yield { type: "activity", active: last };
    while (!signal?.aborted) {
      if (!changed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      if (signal?.aborted) break;
      if (changed) {
        changed = false;
        yield { type: "sessions-changed" };
      }
      const now = await activeChats(deps.db);
      if (activityKey(now) !== activityKey(last)) {
        last = now;
        yield { type: "activity", active: now };
      }
    }
  } finally {
    emitter.off("change", onChange);
    signal?.removeEventListener("abort", onAbort);
  }
}
