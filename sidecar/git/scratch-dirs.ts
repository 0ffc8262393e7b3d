import { mkdtemp, readdir, rm } from "node:fs/promises";
import path from "node:path";

/**
 * The sidecar's throwaway folders in its temp folder (a merge-tree's objects, a worktree snapshot's
 * index, a shadow repository for push and fetch). Each is removed when its call ends; a sidecar killed
 * meanwhile (SIGKILL, a crash, a drill) leaves them. Their names carry the owner's pid, so the next
 * start removes those whose owner is gone, and never one a running sidecar (sharing TMPDIR) uses.
 */

export type ScratchKind = "merge-tree" | "snapshot" | "remote";

const SCRATCH_NAME = /^boochat-(merge-tree|snapshot|remote)-(\d+)-/;

export function makeScratchDir(tempDir: string, kind: ScratchKind): Promise<string> {
  return mkdtemp(path.join(tempDir, `boochat-${kind}-${process.pid}-`));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user has it, so it runs.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the scratch folders of sidecars that no longer run; answers how many. */
export async function removeOrphanedScratch(tempDir: string): Promise<number> {
  const entries = await readdir(tempDir).catch(() => []);
  const orphaned = entries.filter((name) => {
    const owner = SCRATCH_NAME.exec(name)?.[2];
    return owner !== undefined && Number(owner) !== process.pid && !isRunning(Number(owner));
  });
  await Promise.all(orphaned.map((name) => rm(path.join(tempDir, name), { recursive: true, force: true })));
  return orphaned.length;
}
