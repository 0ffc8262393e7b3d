import { runGit, type GitContext } from "./run";

export type HiddenIndexEntries = { assumeUnchanged: string[]; skipWorktree: string[] };

/**
 * Tracked files whose edits git status cannot see: `ls-files -v` tags assume-unchanged entries in
 * lower case and skip-worktree entries with S.
 */
export async function readHiddenIndexEntries(ctx: GitContext, dir: string): Promise<HiddenIndexEntries> {
  const { stdout } = await runGit(ctx, dir, ["ls-files", "-v", "-z"]);
  const assumeUnchanged: string[] = [];
  const skipWorktree: string[] = [];
  let start = 0;
  while (start < stdout.length) {
    let end = stdout.indexOf("\0", start);
    if (end === -1) end = stdout.length;
    const tag = stdout[start];
    // Fast path: almost every entry is "H " (tracked, nothing hidden).
    if (tag !== "H" && tag !== undefined) {
      const file = stdout.slice(start + 2, end);
      if (tag === "S" || tag === "s") skipWorktree.push(file);
      if (tag >= "a" && tag <= "z") assumeUnchanged.push(file);
    }
    start = end + 1;
  }
  return { assumeUnchanged, skipWorktree };
}
