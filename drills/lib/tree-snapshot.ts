import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Every entry under a folder, by relative path: kind, mode and content hash (a link's target, never followed). */
export type TreeSnapshot = Map<string, string>;

/**
 * Reads a folder the way a before/after comparison needs it: every file's bytes hashed, every
 * symbolic link's target, every folder's mode. `skip` leaves out relative paths (and what is below).
 */
export function snapshotTree(root: string, skip: (relative: string) => boolean = () => false): TreeSnapshot {
  const snapshot: TreeSnapshot = new Map();
  const walk = (relative: string) => {
    const full = relative === "" ? root : path.join(root, relative);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch {
      return;
    }
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) {
      snapshot.set(relative, `link ${fs.readlinkSync(full)}`);
    } else if (stat.isDirectory()) {
      snapshot.set(relative, `dir ${mode}`);
      let names: string[] = [];
      try {
        names = fs.readdirSync(full);
      } catch {
        return;
      }
      for (const name of names.sort()) {
        const child = relative === "" ? name : path.join(relative, name);
        if (!skip(child)) walk(child);
      }
    } else if (stat.isFile()) {
      let digest = "unreadable";
      try {
        digest = createHash("sha1").update(fs.readFileSync(full)).digest("hex");
      } catch {
        // a file we cannot read: its size and mode still tell a change
      }
      snapshot.set(relative, `file ${mode} ${stat.size} ${digest}`);
    } else {
      snapshot.set(relative, `other ${mode}`);
    }
  };
  walk("");
  return snapshot;
}

/** The relative paths that differ (added, removed or changed) between two snapshots, sorted. */
export function changedPaths(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const changed = new Set<string>();
  for (const [name, value] of before) if (after.get(name) !== value) changed.add(name);
  for (const name of after.keys()) if (!before.has(name)) changed.add(name);
  return [...changed].sort();
}

/**
 * A repository's git dir as far as a worktree's fate goes: refs, packed refs, the stash and its
 * reflog (a stash entry IS a reflog line), HEADs, indexes, config and the worktrees' admin folders.
 * Objects are left out: adding unreachable ones loses nothing.
 */
export function snapshotGitDir(gitDir: string): TreeSnapshot {
  return snapshotTree(gitDir, (relative) => {
    if (relative === "objects" || relative.startsWith(`objects${path.sep}`)) return true;
    if (relative === "logs") return false;
    if (relative.startsWith(`logs${path.sep}`)) {
      // Only the stash's reflog matters (its lines are the stash entries); branch reflogs are history.
      const stashLog = path.join("logs", "refs", "stash");
      return !(stashLog.startsWith(relative) || relative === stashLog);
    }
    return false;
  });
}
