import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../../tests/helpers/test-db";
import type { SessionEvent } from "../../schemas/session-event";
import { activeChats, publishSessionChange, sessionEventStream } from "./session-events";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

async function tabWithTask(status: string) {
  const session = await t.db.session.create({ data: { title: "s", chats: { create: { title: "Tab 1" } } }, include: { chats: true } });
  const chat = session.chats[0];
  if (!chat) throw new Error("no chat");
  const task = await t.db.task.create({ data: { chatId: chat.id, sessionId: session.id, agent: "opencode", creator: "tab", prompt: "p", status } });
  return { sessionId: session.id, chatId: chat.id, taskId: task.id };
}

/** Reads events until `until` returns true for one of them (bounded, so a broken stream fails the test). */
async function readUntil(stream: AsyncGenerator<SessionEvent>, until: (event: SessionEvent) => boolean): Promise<SessionEvent[]> {
  const seen: SessionEvent[] = [];
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const { value, done } = await stream.next();
    if (done) break;
    seen.push(value);
    if (until(value)) return seen;
  }
  throw new Error(`no matching event; saw ${JSON.stringify(seen)}`);
}

describe("session events", () => {
  it("lists each tab at work once, running before queued, and leaves finished tasks out", async () => {
    const running = await tabWithTask("running");
    await t.db.task.create({ data: { chatId: running.chatId, sessionId: running.sessionId, agent: "opencode", creator: "mcp", prompt: "q", status: "queued" } });
    await tabWithTask("succeeded");
    expect(await activeChats(t.db)).toEqual([{ chatId: running.chatId, sessionId: running.sessionId, status: "running" }]);
  });

  it("starts with the activity, pushes a session change at once, and sends the activity again when a task ends", async () => {
    const controller = new AbortController();
    const stream = sessionEventStream({ db: t.db, activityIntervalMs: 50 }, controller.signal);
    const tab = await tabWithTask("running");
    const first = await stream.next();
    expect(first.value).toEqual({ type: "activity", active: [{ chatId: tab.chatId, sessionId: tab.sessionId, status: "running" }] });

    // A long interval would delay it; the change is pushed, so it comes before the next read.
    const started = Date.now();
    publishSessionChange();
    await readUntil(stream, (e) => e.type === "sessions-changed");
    expect(Date.now() - started).toBeLessThan(1_000);

    await t.db.task.update({ where: { id: tab.taskId }, data: { status: "succeeded" } });
    await readUntil(stream, (e) => e.type === "activity" && e.active.length === 0);
    controller.abort();
    expect((await stream.next()).done).toBe(true);
  });
});
