import { describe, expect, it } from "vitest";
import { reportDrill } from "../../drills/lib/report";
import { drillCount, drillSeed } from "../../drills/lib/scale";
import { sidecarKillDrill, type KilledOperation } from "../../drills/sidecar-kill";

// CI: 3 kills per operation with a fixed seed; `npm run drills`: 50 each.
const count = drillCount("sidecar kill", { ci: 3, full: 50 });

describe("the sidecar killed (SIGKILL) at random points", () => {
  for (const operation of ["create", "stash", "commit", "remove"] as KilledOperation[]) {
    it(`during ${operation}, ${count} times: nothing is lost, the worktree is as before or as the finished ${operation} leaves it, and the next delete's verdict is true`, async () => {
      const figures = await sidecarKillDrill({ operation, count, seed: drillSeed(), log: (line) => console.log(`[sidecar kill] ${line}`) });
      reportDrill(figures);
      expect(figures.problems).toEqual([]);
    }, 3_600_000);
  }
});
