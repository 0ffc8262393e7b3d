import type { ChatEvents } from "../../agents/chat-events";
import type { Db } from "../../db";
import type { SidecarClient } from "../../sidecar-client";
import { measureArenaEntry } from "./measure-entry";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

async function taskEnded(db: Db, taskId: string): Promise<boolean> {
  const task = await db.task.findUnique({ where: { id: taskId }, select: { status: true } });
  return !task || TERMINAL.has(task.status);
}

/**
 * Follows each entry's task in the background and measures the entry when it ends. It follows the
 * chat's own event stream (subscribed before the first look, so an ending in between is not
 * missed); a closed tab ends the stream. If BooChat stops first, arena.get measures later.
 */
export function watchArenaEntries(deps: { db: Db; sidecar: SidecarClient; events: Pick<ChatEvents, "subscribe"> }, entries: Array<{ sessionId: string; chatId: string; taskId: string }>): void {
  for (const entry of entries) {
    void (async () => {
      const iterator = deps.events.subscribe(entry.chatId)[Symbol.asyncIterator]();
      try {
        while (!(await taskEnded(deps.db, entry.taskId))) {
          const next = await iterator.next();
          if (next.done) break;
        }
        if (await taskEnded(deps.db, entry.taskId)) await measureArenaEntry(deps, entry.sessionId);
      } catch {
        // Measuring is evidence, never a reason for anything else to fail: arena.get retries.
      } finally {
        await iterator.return?.();
      }
    })();
  }
}
