import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

let testDb: TestDb;
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute));

beforeAll(async () => {
  testDb = await createTestDb();
  const { db } = testDb;
  // Seven sessions a minute apart; two share a created_at (the id breaks the tie); one has a worktree on a named branch.
  for (let i = 0; i < 7; i++) {
    await db.session.create({ data: { id: `s${i}`, title: i === 2 ? "Fix the Parser" : `Session ${i}`, createdAt: at(i === 4 ? 3 : i) } });
  }
  await db.worktree.create({ data: { sessionId: "s1", repoPath: "/r", path: "/w/s1", branch: "boochat/lexer-rework" } });
  // s6 started an arena with two entries: they show under it, not as pages of their own.
  const arena = await db.arena.create({ data: { sessionId: "s6", prompt: "race" } });
  for (const n of [1, 2]) await db.session.create({ data: { id: `e${n}`, title: `Arena ${n}: mock/parser-${n}`, arenaId: arena.id, createdAt: at(20 + n) } });
});
afterAll(async () => {
  await testDb?.cleanup();
});

describe("session.page", () => {
  it("pages newest first without repeating or skipping a session, ties broken by id, entries under their origin", async () => {
    const api = callerFor(testDb.db);
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await api.session.page({ limit: 3, ...(cursor ? { cursor } : {}) });
      sizes.push(page.items.length);
      seen.push(...page.items.map((s) => s.id));
      if (page.items[0]?.id === "s6") expect(page.items[0].entries.map((e) => e.id)).toEqual(["e1", "e2"]);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["s6", "s5", "s4", "s3", "s2", "s1", "s0"]);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it("finds sessions by title or branch, case-insensitively, and an origin by its entries' names", async () => {
    const api = callerFor(testDb.db);
    expect((await api.session.page({ query: "parser" })).items.map((s) => s.id)).toEqual(["s6", "s2"]);
    expect((await api.session.page({ query: "LEXER" })).items.map((s) => [s.id, s.worktree?.branch])).toEqual([["s1", "boochat/lexer-rework"]]);
    expect((await api.session.page({ query: "nothing like it" })).items).toEqual([]);
  });

  it("refuses a cursor it did not give out and a limit out of range, naming the field", async () => {
    const api = callerFor(testDb.db);
    const bad = await trpcError(api.session.page({ cursor: "not-a-cursor" }));
    expect([bad.code, bad.message]).toEqual(["BAD_REQUEST", "cursor: is not one this API gave out (use nextCursor from the previous page)"]);
    const limit = await trpcError(api.session.page({ limit: 0 }));
    expect(limit.message).toBe("Invalid input: limit: must be 1 or more");
  });
});
