import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../server/db";
import { closeChat } from "../../server/services/chat/close-chat";
import { callerFor, trpcError } from "../helpers/trpc-caller";
import { createTestDb } from "../helpers/test-db";

let testDb: Awaited<ReturnType<typeof createTestDb>>;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  testDb = await createTestDb();
  caller = callerFor(testDb.db);
});
afterAll(async () => {
  await testDb.cleanup();
});

describe("sessions", () => {
  it("creates a chat-only session with a first tab and lists it", async () => {
    const session = await caller.session.create({ title: "  Fix login  " });
    expect(session.title).toBe("Fix login");
    expect(session.worktree).toBeNull();
    const list = await caller.session.list();
    expect(list.map((s) => s.id)).toContain(session.id);
    const tabs = await caller.chat.list({ sessionId: session.id });
    expect(tabs.map((t) => t.title)).toEqual(["Tab 1"]);
    const got = await caller.session.get({ id: session.id });
    expect(got).toMatchObject({ id: session.id, title: "Fix login", worktree: null });
  });

  it("lists the newest session first", async () => {
    const older = await caller.session.create({ title: "older" });
    await new Promise((r) => setTimeout(r, 5));
    const newer = await caller.session.create({ title: "newer" });
    const ids = (await caller.session.list()).map((s) => s.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
  });

  it("renames a session", async () => {
    const session = await caller.session.create({ title: "draft" });
    const renamed = await caller.session.rename({ id: session.id, title: "final" });
    expect(renamed.title).toBe("final");
    expect((await caller.session.get({ id: session.id })).title).toBe("final");
  });

  it("refuses a blank title with BAD_REQUEST naming the field", async () => {
    const error = await trpcError(caller.session.create({ title: "   " }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("title");
  });

  it("refuses a relative repository path with BAD_REQUEST naming the field", async () => {
    const error = await trpcError(caller.session.create({ title: "x", repoPath: "relative/repo" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("repoPath");
    expect(error.message).toContain("absolute");
  });

  it("answers NOT_FOUND for a session that does not exist", async () => {
    expect((await trpcError(caller.session.rename({ id: "nope", title: "x" }))).code).toBe("NOT_FOUND");
    expect((await trpcError(caller.session.get({ id: "nope" }))).code).toBe("NOT_FOUND");
    expect((await trpcError(caller.chat.list({ sessionId: "nope" }))).code).toBe("NOT_FOUND");
    expect((await trpcError(caller.chat.create({ sessionId: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("explains that the sidecar is unreachable when a repository is asked for, and keeps no half-made session", async () => {
    const before = await caller.session.list();
    const error = await trpcError(caller.session.create({ title: "with repo", repoPath: "/tmp/some-repo" }));
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.message).toMatch(/sidecar/);
    expect(await caller.session.list()).toHaveLength(before.length);
  });
});

describe("tabs", () => {
  it("opens numbered tabs in order, renames and closes them", async () => {
    const session = await caller.session.create({ title: "tabs" });
    const second = await caller.chat.create({ sessionId: session.id });
    const named = await caller.chat.create({ sessionId: session.id, title: "Review" });
    expect(second.title).toBe("Tab 2");
    expect((await caller.chat.list({ sessionId: session.id })).map((t) => t.title)).toEqual(["Tab 1", "Tab 2", "Review"]);

    await caller.chat.rename({ id: second.id, title: "Plans" });
    await caller.chat.close({ id: named.id });
    expect((await caller.chat.list({ sessionId: session.id })).map((t) => t.title)).toEqual(["Tab 1", "Plans"]);

    // A tab opened after a close goes to the end and is not confused with an existing one.
    const next = await caller.chat.create({ sessionId: session.id });
    expect((await caller.chat.list({ sessionId: session.id })).at(-1)?.id).toBe(next.id);
  });

  it("closing a tab ends its agent contexts and nothing else", async () => {
    const session = await caller.session.create({ title: "contexts" });
    const [first] = await caller.chat.list({ sessionId: session.id });
    const second = await caller.chat.create({ sessionId: session.id });
    if (!first) throw new Error("the session has no first tab");
    const db = testDb.db;
    await db.agentSession.create({ data: { chatId: first.id, agent: "opencode", externalId: "ses_a", configHash: "h1", sessionId: session.id } });
    await db.agentSession.create({ data: { chatId: second.id, agent: "opencode", externalId: "ses_b", configHash: "h2", sessionId: session.id } });
    const task = await db.task.create({ data: { chatId: second.id, sessionId: session.id, agent: "opencode", creator: "tab", prompt: "hi" } });

    // The service asks the agent side to end the tab's contexts (the real opencode side is
    // tested in tests/agents); here a recorder stands in for it.
    const forgotten: string[] = [];
    await closeChat({ db, agents: { forgetChats: async (ids) => void forgotten.push(...ids) } }, second.id);

    expect(forgotten).toEqual([second.id]);
    expect(await db.agentSession.findMany({ where: { chatId: second.id } })).toHaveLength(0);
    expect(await db.agentSession.findMany({ where: { chatId: first.id } })).toHaveLength(1);
    expect(await db.task.findUnique({ where: { id: task.id } })).toMatchObject({ chatId: null, prompt: "hi" });
  });

  it("answers NOT_FOUND when closing or renaming a tab that does not exist", async () => {
    expect((await trpcError(caller.chat.close({ id: "missing" }))).code).toBe("NOT_FOUND");
    expect((await trpcError(caller.chat.rename({ id: "missing", title: "x" }))).code).toBe("NOT_FOUND");
  });

  it("refuses an empty tab title, naming the field", async () => {
    const session = await caller.session.create({ title: "t" });
    const error = await trpcError(caller.chat.create({ sessionId: session.id, title: "" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("title");
  });
});

describe("persistence", () => {
  it("keeps sessions and tabs across a restart (a new client on the same file)", async () => {
    const session = await caller.session.create({ title: "survivor" });
    await caller.chat.create({ sessionId: session.id, title: "Notes" });
    const restarted = createDb(testDb.url);
    try {
      const again = callerFor(restarted);
      expect((await again.session.get({ id: session.id })).title).toBe("survivor");
      expect((await again.chat.list({ sessionId: session.id })).map((t) => t.title)).toEqual(["Tab 1", "Notes"]);
    } finally {
      await restarted.$disconnect();
    }
  });
});
