import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { illFormedStringPath } from "../../server/trpc/init";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

// Found by the tRPC fuzz drill (issue 19): a string holding a lone surrogate (JSON "\ud800") reached
// Prisma, whose query JSON refused it, and the call answered INTERNAL_SERVER_ERROR (500): task.cancel
// of such an id, a session titled so. Such text is bad input now, refused before any service runs.

const LONE = "\ud800";

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

describe("text that is not well-formed Unicode", () => {
  it("is refused as bad input naming the field, for a query, a mutation and a nested field", async () => {
    const caller = callerFor(testDb.db);
    const cancel = await trpcError(caller.task.cancel({ id: `task${LONE}` }));
    expect(cancel.code).toBe("BAD_REQUEST");
    expect(cancel.message).toBe("Invalid input: id: must be well-formed Unicode text (it holds a lone surrogate)");
    const create = await trpcError(caller.session.create({ title: `draft ${LONE}` }));
    expect(create.code).toBe("BAD_REQUEST");
    expect(create.message).toContain("title: must be well-formed Unicode text");
    const badges = await trpcError(caller.worktree.riskBadges({ sessionIds: ["a", `b${LONE}`] }));
    expect(badges.message).toContain("sessionIds.1: must be well-formed Unicode text");
    expect(await testDb.db.session.count()).toBe(0);
  });

  it("leaves well-formed text alone: a title with an emoji (a surrogate pair) is stored as given", async () => {
    const session = await callerFor(testDb.db).session.create({ title: "ship it 🚀" });
    expect((await callerFor(testDb.db).session.get({ id: session.id })).title).toBe("ship it 🚀");
  });

  it("finds a lone surrogate however deep, without recursing", () => {
    let deep: unknown = `x${LONE}`;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(illFormedStringPath(deep)).toMatch(/^0(\.0)+$/);
    expect(illFormedStringPath({ a: ["fine", { b: "\udc00" }] })).toBe("a.1.b");
    expect(illFormedStringPath({ a: "😀", b: ["é"] })).toBeNull();
  });
});
