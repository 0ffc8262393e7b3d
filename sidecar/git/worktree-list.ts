import { realpath } from "node:fs/promises";
import { runGit, type GitContext } from "./run";

export type WorktreeEntry = {
  path: string;
  /** null on an unborn branch */
  head: string | null;
  /** full ref name (refs/heads/x), null when detached or bare */
  branch: string | null;
  detached: boolean;
  bare: boolean;
  locked: boolean;
  lockedReason: string | null;
  prunable: boolean;
};

const ZERO_OID = /^0+$/;

/** `git worktree list --porcelain -z`: every worktree of the repository `dir` belongs to. */
export async function listWorktrees(ctx: GitContext, dir: string): Promise<WorktreeEntry[]> {
  const { stdout } = await runGit(ctx, dir, ["worktree", "list", "--porcelain", "-z"]);
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of stdout.split("\0")) {
    if (field === "") {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(" ");
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? "" : field.slice(space + 1);
    if (key === "worktree") {
      if (current) entries.push(current);
      current = { path: value, head: null, branch: null, detached: false, bare: false, locked: false, lockedReason: null, prunable: false };
      continue;
    }
    if (!current) continue;
    if (key === "HEAD") current.head = ZERO_OID.test(value) ? null : value;
    else if (key === "branch") current.branch = value;
    else if (key === "detached") current.detached = true;
    else if (key === "bare") current.bare = true;
    else if (key === "locked") {
      current.locked = true;
      current.lockedReason = value === "" ? null : value;
    } else if (key === "prunable") current.prunable = true;
  }
  if (current) entries.push(current);
  return entries;
}

async function sameDirectory(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [realA, realB] = await Promise.all([realpath(a).catch(() => null), realpath(b).catch(() => null)]);
  return realA !== null && realA === realB;
}

/** The entry git lists for the directory `real` (a real path), also when git spells it through a symbolic link. */
export async function findWorktreeEntry(entries: readonly WorktreeEntry[], real: string): Promise<WorktreeEntry | null> {
  const exact = entries.find((entry) => entry.path === real);
  if (exact) return exact;
  for (const entry of entries) if (await sameDirectory(entry.path, real)) return entry;
  return null;
}
