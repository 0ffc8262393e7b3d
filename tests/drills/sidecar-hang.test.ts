import { afterAll, beforeAll, expect, it } from "vitest";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";
import { sidecarHangDrill } from "../../drills/sidecar-hang";
import { createTestDb, type TestDb } from "../helpers/test-db";

const count = drillCount("sidecar hang", { ci: 2, full: 10 });

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb?.cleanup();
});

it(`a hung sidecar (SIGSTOP) during deletes, ${count} times: refused as unverified within the risk timeout, Force still works, and nothing that held work is removed after SIGCONT`, async () => {
  const figures = await sidecarHangDrill({ count, seed: drillSeed(), db: testDb.db, riskTimeoutMs: 1_500, log: (line) => console.log(`[sidecar hang] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
