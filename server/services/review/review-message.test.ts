import { describe, expect, it } from "vitest";
import { quoteFromPatch } from "./quote-from-patch";
import { formatReviewMessage } from "./review-message";

const patch = [
  "diff --git a/src/a.ts b/src/a.ts",
  "index 111..222 100644",
  "--- a/src/a.ts",
  "+++ b/src/a.ts",
  "@@ -1,4 +1,5 @@",
  " line one",
  "-line two",
  "+line 2",
  "+line 2b",
  " line three",
  " line four",
  "\\ No newline at end of file",
].join("\n");

describe("quoteFromPatch", () => {
  it("reads lines of either side by their numbers, context lines on both", () => {
    expect(quoteFromPatch(patch, "new", 2, 3)).toEqual(["line 2", "line 2b"]);
    expect(quoteFromPatch(patch, "old", 2)).toEqual(["line two"]);
    expect(quoteFromPatch(patch, "new", 4)).toEqual(["line three"]);
    expect(quoteFromPatch(patch, "old", 3)).toEqual(["line three"]);
  });

  it("answers null when a line is not in the diff", () => {
    expect(quoteFromPatch(patch, "new", 40)).toBeNull();
    expect(quoteFromPatch(patch, "new", 5, 6)).toBeNull();
    expect(quoteFromPatch("", "new", 1)).toBeNull();
  });
});

describe("formatReviewMessage", () => {
  it("writes path:line, the quoted code and the comment, in file and line order", () => {
    const message = formatReviewMessage([
      { path: "src/b.ts", line: 3, endLine: 5, side: "new", body: "Extract a function.", quote: "a()\nb()\nc()" },
      { path: "src/a.ts", line: 2, endLine: null, side: "new", body: "Name it properly.", quote: "line 2" },
      { path: "src/a.ts", line: 9, endLine: null, side: "old", body: "Why was this removed?", quote: null },
    ]);
    expect(message).toBe(
      [
        "Review of the changes in this worktree (3 comments). Please address each:",
        "",
        "src/a.ts:2",
        "> line 2",
        "Name it properly.",
        "",
        "src/a.ts:9 (removed lines, numbered as before the change)",
        "> (these lines are no longer in the diff)",
        "Why was this removed?",
        "",
        "src/b.ts:3-5",
        "> a()",
        "> b()",
        "> c()",
        "Extract a function.",
      ].join("\n"),
    );
  });
});
