import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteKillDrill } from "../../drills/delete-kill";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";
import { createTestDb, type TestDb } from "../helpers/test-db";

const count = drillCount("delete kill", { ci: 2, full: 30 });

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it(`the web app killed during session deletes ${count} times: the database is consistent at the next start, no work is lost, and the next deletes are true`, async () => {
  const figures = await deleteKillDrill({ count, seed: drillSeed(), db: testDb.db, databaseFile: testDb.file, log: (line) => console.log(`[delete kill] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
