import { afterAll, beforeAll, expect, it } from "vitest";
import { reportDrill } from "../../drills/lib/report";
import { soakDrill } from "../../drills/soak";
import { createTestDb, type TestDb } from "../helpers/test-db";

// Not in CI: `npm run drills -- soak --minutes 30` sets the minutes. Without them it is skipped.
const minutes = Number(process.env.BOOCHAT_DRILLS_SOAK_MINUTES ?? "0");

let testDb: TestDb;
beforeAll(async () => {
  if (minutes > 0) testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it("the soak: mixed traffic with faults injected, memory and open file descriptors of each process flat", async (ctx) => {
  if (!(minutes > 0)) {
    ctx.skip("the soak runs only through `npm run drills -- soak` (BOOCHAT_DRILLS_SOAK_MINUTES)");
    return;
  }
  const { figures } = await soakDrill({ minutes, db: testDb.db, log: (line) => console.log(`[soak] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 24 * 3_600_000);
