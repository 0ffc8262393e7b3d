import { runGit, type RepoGuard, type GitContext } from "./run";

export type StatusEntry =
  | { kind: "changed"; path: string; staged: boolean; unstaged: boolean }
  | { kind: "conflicted"; path: string }
  | { kind: "untracked"; path: string }
  | { kind: "ignored"; path: string };

export type Status = {
  /** null on an unborn branch */
  oid: string | null;
  /** short branch name, null when detached */
  branch: string | null;
  upstream: string | null;
  entries: StatusEntry[];
  /** the raw porcelain output: the fingerprint hashes what the user saw */
  raw: string;
};

/**
 * `git status --porcelain=v2` over every untracked file and every submodule, with ignored paths
 * listed as they match (so local excludes can be told apart from committed .gitignore files).
 */
export async function readStatus(ctx: GitContext, dir: string, guard: RepoGuard): Promise<Status> {
  const { stdout } = await runGit(
    ctx,
    dir,
    ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--ignore-submodules=none", "--ignored=matching", "--no-renames"],
    { guard },
  );
  return parseStatus(stdout);
}

/** Cuts `count` space-separated fields off the front; the rest is the path (which may hold spaces). */
function fieldsThenPath(record: string, count: number): { fields: string[]; path: string } {
  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    const space = record.indexOf(" ", at);
    if (space === -1) return { fields, path: "" };
    fields.push(record.slice(at, space));
    at = space + 1;
  }
  return { fields, path: record.slice(at) };
}

export function parseStatus(raw: string): Status {
  const status: Status = { oid: null, branch: null, upstream: null, entries: [], raw };
  const records = raw.split("\0");
  for (let i = 0; i < records.length; i += 1) {
    const record = records[i] ?? "";
    if (record === "") continue;
    const type = record[0];
    if (type === "#") {
      const { fields, path: value } = fieldsThenPath(record, 2);
      const key = fields[1];
      if (key === "branch.oid") status.oid = value === "(initial)" ? null : value;
      else if (key === "branch.head") status.branch = value === "(detached)" ? null : value;
      else if (key === "branch.upstream") status.upstream = value;
    } else if (type === "1" || type === "2") {
      const { fields, path } = fieldsThenPath(record, type === "1" ? 8 : 9);
      const xy = fields[1] ?? "..";
      status.entries.push({ kind: "changed", path, staged: xy[0] !== ".", unstaged: xy[1] !== "." });
      // A rename record is followed by its original path (not with --no-renames, but be safe).
      if (type === "2") i += 1;
    } else if (type === "u") {
      status.entries.push({ kind: "conflicted", path: fieldsThenPath(record, 10).path });
    } else if (type === "?") {
      status.entries.push({ kind: "untracked", path: record.slice(2) });
    } else if (type === "!") {
      status.entries.push({ kind: "ignored", path: record.slice(2) });
    }
  }
  return status;
}
