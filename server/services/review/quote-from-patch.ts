/**
 * The text of lines `from`..`to` (1-based) on one side of a unified diff, as the diff shows them,
 * or null when the diff does not hold all of them (outside every hunk, or the file changed).
 */
export function quoteFromPatch(patch: string, side: "old" | "new", from: number, to = from): string[] | null {
  const found = new Map<number, string>();
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const raw of patch.split("\n")) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk || raw.startsWith("\\")) continue;
    const mark = raw[0];
    const text = raw.slice(1);
    if (mark === " ") {
      if (side === "old") found.set(oldLine, text);
      else found.set(newLine, text);
      oldLine += 1;
      newLine += 1;
    } else if (mark === "-") {
      if (side === "old") found.set(oldLine, text);
      oldLine += 1;
    } else if (mark === "+") {
      if (side === "new") found.set(newLine, text);
      newLine += 1;
    } else {
      // The next file's header (a multi-file patch): this file's hunks are over.
      inHunk = false;
    }
  }
  const lines: string[] = [];
  for (let n = from; n <= to; n += 1) {
    const text = found.get(n);
    if (text === undefined) return null;
    lines.push(text);
  }
  return lines;
}
