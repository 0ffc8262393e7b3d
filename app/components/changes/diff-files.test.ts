import { describe, expect, it } from "vitest";
import { parseDiff } from "react-diff-view";
import { chunkHunks, diffTotals, fileLabel, patchLineCount, piecesForLines } from "./diff-files";
import { changeAt, commentTarget, rangeLabel, selectLine } from "./line-selection";

const patch = ["diff --git a/a.ts b/a.ts", "--- a/a.ts", "+++ b/a.ts", "@@ -1,3 +1,4 @@", " one", "-two", "+2", "+2b", " three"].join("\n");

describe("diff files", () => {
  it("counts the lines a patch draws and the totals of a change set", () => {
    expect(patchLineCount(patch)).toBe(5);
    expect(diffTotals([{ additions: 2, deletions: 1 }, { additions: 3, deletions: 0 }] as never)).toEqual({ files: 2, additions: 5, deletions: 1 });
    expect(fileLabel({ path: "b.ts", oldPath: "a.ts" })).toBe("a.ts → b.ts");
  });

  it("cuts a long hunk into pieces that together hold every line once", () => {
    const long = ["diff --git a/n.txt b/n.txt", "new file mode 100644", "--- /dev/null", "+++ b/n.txt", "@@ -0,0 +1,600 @@", ...Array.from({ length: 600 }, (_, i) => `+line ${i}`)].join("\n");
    const hunks = parseDiff(long)[0]?.hunks ?? [];
    const pieces = chunkHunks(hunks, 250);
    expect(pieces.map((p) => p.changes.length)).toEqual([250, 250, 100]);
    expect(piecesForLines(pieces, 300)).toBe(2);
  });
});

describe("line selection", () => {
  const hunks = parseDiff(patch)[0]?.hunks ?? [];
  it("comments on added and context lines by their new number, removed lines by their old one", () => {
    const [one, two, two2] = hunks[0]?.changes ?? [];
    expect(one && commentTarget(one)).toEqual({ side: "new", line: 1 });
    expect(two && commentTarget(two)).toEqual({ side: "old", line: 2 });
    expect(two2 && commentTarget(two2)).toEqual({ side: "new", line: 2 });
    expect(changeAt(hunks, { side: "new", line: 4 })?.content).toBe("three");
  });

  it("extends a selection with shift on the same side, and starts anew elsewhere", () => {
    const first = selectLine(null, "a.ts", { side: "new", line: 4 }, false);
    const range = selectLine(first, "a.ts", { side: "new", line: 2 }, true);
    expect(rangeLabel(range)).toBe("a.ts:2-4");
    expect(selectLine(range, "a.ts", { side: "old", line: 2 }, true)).toMatchObject({ side: "old", line: 2, endLine: 2 });
  });
});
