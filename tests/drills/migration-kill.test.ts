import { expect, it } from "vitest";
import { migrationKillDrill } from "../../drills/migration-kill";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";

// Also the regression test of the interrupted-migration fix (scripts/resume-interrupted-migrations.mjs):
// before it, every kill inside arena_sessions left BooChat refusing to start (Prisma's P3009).
const count = drillCount("migration kill", { ci: 2, full: 30 });

it(`a deploy killed inside a migration ${count} times: the next start finishes it, equal to a clean run, and the gate still refuses what it refused`, async () => {
  const figures = await migrationKillDrill({ count, seed: drillSeed(), log: (line) => console.log(`[migration kill] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
