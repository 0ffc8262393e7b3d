import type { DiffFileStatus } from "../../server/schemas/diff";

/** One changed file as `--raw --numstat -z` describe it, before its patch is read. */
export type DiffRecord = {
  path: string;
  oldPath?: string;
  status: DiffFileStatus;
  oldMode: string;
  newMode: string;
  additions: number;
  deletions: number;
  binary: boolean;
  symlink: boolean;
};

const SYMLINK = "120000";

function statusOf(letter: string, oldMode: string, newMode: string, oldOid: string, newOid: string): DiffFileStatus {
  switch (letter) {
    case "A":
      return "added";
    case "D":
      return "deleted";
    case "R":
      return "renamed";
    case "C":
      return "copied";
    case "T":
      return "type-changed";
    default:
      // Same content, other mode (the executable bit): nothing but the mode changed.
      return oldOid === newOid && oldMode !== newMode ? "mode-changed" : "modified";
  }
}

/**
 * Parses `git diff-index|diff-tree -z --raw --numstat`: first one raw record per file
 * (`:<old mode> <new mode> <old oid> <new oid> <status>` then one path, two for a rename or copy),
 * then one numstat record per file in the same order (`<added>\t<deleted>\t<path>`, `-\t-` for a
 * binary file, and for a rename or copy an empty path followed by both paths).
 */
export function parseDiffRecords(output: string): DiffRecord[] {
  const tokens = output.split("\0");
  const records: DiffRecord[] = [];
  let at = 0;
  while (at < tokens.length && (tokens[at] ?? "").startsWith(":")) {
    const [oldMode = "", newMode = "", oldOid = "", newOid = "", score = ""] = (tokens[at] ?? "").slice(1).split(" ");
    const letter = score.charAt(0);
    const twoPaths = letter === "R" || letter === "C";
    const first = tokens[at + 1] ?? "";
    const status = statusOf(letter, oldMode, newMode, oldOid, newOid);
    const record: DiffRecord = {
      path: twoPaths ? (tokens[at + 2] ?? "") : first,
      status,
      oldMode,
      newMode,
      additions: 0,
      deletions: 0,
      binary: false,
      symlink: status === "deleted" ? oldMode === SYMLINK : newMode === SYMLINK,
    };
    if (twoPaths) record.oldPath = first;
    records.push(record);
    at += twoPaths ? 3 : 2;
  }
  for (const record of records) {
    const [added = "", deleted = "", rest = ""] = (tokens[at] ?? "").split("\t");
    at += rest === "" ? 3 : 1;
    record.binary = added === "-" && deleted === "-";
    record.additions = record.binary ? 0 : Number(added) || 0;
    record.deletions = record.binary ? 0 : Number(deleted) || 0;
  }
  return records;
}

/**
 * The `diff --git` line git prints for a record (core.quotePath off): a path holding a control
 * character, `"` or `\` is C-quoted, as git's quote_c_style does, prefix included.
 */
export function expectedHeader(record: Pick<DiffRecord, "path" | "oldPath">): string {
  return `diff --git ${quoted(`a/${record.oldPath ?? record.path}`)} ${quoted(`b/${record.path}`)}`;
}

const ESCAPES: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\" };

function quoted(name: string): string {
  if (!/[\x00-\x1f"\\\x7f]/.test(name)) return name;
  let out = "";
  for (const char of name) {
    const code = char.charCodeAt(0);
    out += ESCAPES[char] ?? (code < 0x20 || code === 0x7f ? `\\${code.toString(8).padStart(3, "0")}` : char);
  }
  return `"${out}"`;
}
