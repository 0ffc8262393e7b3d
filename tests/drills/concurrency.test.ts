import { afterAll, beforeAll, expect, it } from "vitest";
import { concurrencyDrill } from "../../drills/concurrency";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";
import { createTestDb, type TestDb } from "../helpers/test-db";

const count = drillCount("concurrency", { ci: 1, full: 10 });

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it(`50 concurrent deletes, stashes and creates over 20 sessions of one repository, ${count} round(s): no internal error, nothing that held work removed, a state some serial order leaves`, async () => {
  const figures = await concurrencyDrill({ count, seed: drillSeed(), db: testDb.db, log: (line) => console.log(`[concurrency] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
