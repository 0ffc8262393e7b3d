import { expect, it } from "vitest";
import { sidecarFuzzDrill } from "../../drills/sidecar-fuzz";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";

// CI runs a few hundred generated requests with a fixed seed; `npm run drills` runs 10,000.
const count = drillCount("sidecar fuzz", { ci: 400, full: 10_000 });

it(`the sidecar answers ${count} generated requests without a 5xx, a leak, or a change to anything it was not asked to change`, async () => {
  const figures = await sidecarFuzzDrill({ count, seed: drillSeed(), log: (line) => console.log(`[sidecar fuzz] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 3_600_000);
