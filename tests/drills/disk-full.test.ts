import { expect, inject, it } from "vitest";
import { diskFullDrill, mountTmpfs } from "../../drills/disk-full";
import { reportDrill } from "../../drills/lib/report";

// Mounting a tmpfs needs root; where it is refused the drill is skipped, saying why, never passed.
const probe = await mountTmpfs(64);
const refused = "refused" in probe ? probe.refused : null;
if (!("refused" in probe)) await probe.unmount();

it("a full disk during a stash and during a delete's database write: a clear error, and the work still there", async (ctx) => {
  if (refused) {
    reportDrill({ drill: "disk full", requests: 0, faults: 0, problems: [], skipped: refused, ms: 0 });
    ctx.skip(refused);
    return;
  }
  const figures = await diskFullDrill({ templateDatabase: inject("templateDatabaseFile"), log: (line) => console.log(`[disk full] ${line}`) });
  reportDrill(figures);
  expect(figures.problems).toEqual([]);
}, 600_000);
