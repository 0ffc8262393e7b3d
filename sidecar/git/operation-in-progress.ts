import { access } from "node:fs/promises";
import path from "node:path";

const MARKERS: ReadonlyArray<[file: string, operation: string]> = [
  ["MERGE_HEAD", "merge"],
  ["rebase-merge", "rebase"],
  ["rebase-apply", "rebase or am"],
  ["CHERRY_PICK_HEAD", "cherry-pick"],
  ["REVERT_HEAD", "revert"],
  ["BISECT_LOG", "bisect"],
];

/** The operation under way in this worktree's own git dir, read from the files git leaves there; null when none. */
export async function readOperationInProgress(gitDir: string): Promise<string | null> {
  const found = await Promise.all(
    MARKERS.map(async ([file, operation]) => {
      try {
        await access(path.join(gitDir, file));
        return operation;
      } catch {
        return null;
      }
    }),
  );
  return found.find((operation) => operation !== null) ?? null;
}
