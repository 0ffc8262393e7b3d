import { afterAll, beforeAll, expect, it } from "vitest";
import { apiFuzzDrill } from "../../drills/api-fuzz";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";
import { createTestDb, type TestDb } from "../helpers/test-db";

// CI: a few hundred calls with a fixed seed; `npm run drills`: 5,000.
const count = drillCount("api fuzz", { ci: 300, full: 5_000 });

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
  // The app opens the file itself (DATABASE_URL): this client only made the copy.
  await testDb.db.$disconnect();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it(`every tRPC procedure and MCP tool answers ${count} generated calls without a 5xx, a leak, or a change it was not asked for`, async () => {
  const figures = await apiFuzzDrill({ count, seed: drillSeed(), databaseFile: testDb.file, log: (line) => console.log(`[api fuzz] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
