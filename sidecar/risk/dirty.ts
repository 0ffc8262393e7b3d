import path from "node:path";
import type { RiskReport } from "../../server/schemas/risk-report";
import type { StatusEntry } from "../git/status";

/** How many changed paths a report lists; the counts are always complete. */
export const MAX_LISTED_FILES = 200;

/**
 * Dirty: staged, unstaged, conflicted, untracked. An ignored path counts as untracked work when only
 * `.git/info/exclude` hides it, or when it is a `.gitignore` that ignores itself. `seen` holds the
 * records the user saw, for the fingerprint.
 */
export function countDirty(entries: readonly StatusEntry[], locallyExcluded: readonly string[]): { dirty: RiskReport["dirty"]; seen: string[] } {
  const dirty = { staged: 0, unstaged: 0, untracked: 0, conflicted: 0, files: [] as string[] };
  const seen: string[] = [];
  const hiddenLocally = new Set(locallyExcluded);
  for (const item of entries) {
    if (item.kind === "changed") {
      if (item.staged) dirty.staged += 1;
      if (item.unstaged) dirty.unstaged += 1;
    } else if (item.kind === "conflicted") dirty.conflicted += 1;
    else if (item.kind === "untracked") dirty.untracked += 1;
    else if (hiddenLocally.has(item.path) || path.posix.basename(item.path) === ".gitignore") dirty.untracked += 1;
    else continue;
    seen.push(`${item.kind} ${item.path}`);
    if (dirty.files.length < MAX_LISTED_FILES) dirty.files.push(item.path);
  }
  return { dirty, seen };
}
