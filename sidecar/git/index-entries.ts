import { runGit, type GitContext } from "./run";

export type IndexEntries = {
  /** tracked files whose edits git status cannot see */
  assumeUnchanged: string[];
  skipWorktree: string[];
  /** paths of submodules (gitlinks, mode 160000): git status runs git inside each populated one */
  gitlinks: string[];
};

/**
 * One `ls-files -v -s -z` pass over the index: `-v` tags assume-unchanged entries in lower case and
 * skip-worktree entries with S, `-s` gives the mode that marks a submodule. Records read
 * `<tag> <mode> <object> <stage>\t<path>`.
 */
export async function readIndexEntries(ctx: GitContext, dir: string, env?: Record<string, string>): Promise<IndexEntries> {
  const { stdout } = await runGit(ctx, dir, ["ls-files", "-v", "-s", "-z"], { env });
  const entries: IndexEntries = { assumeUnchanged: [], skipWorktree: [], gitlinks: [] };
  let start = 0;
  while (start < stdout.length) {
    let end = stdout.indexOf("\0", start);
    if (end === -1) end = stdout.length;
    const tag = stdout[start];
    const gitlink = stdout.startsWith("160000 ", start + 2);
    // Fast path: almost every entry is "H" (tracked, nothing hidden) and no submodule.
    if ((tag !== "H" && tag !== undefined) || gitlink) {
      const file = stdout.slice(stdout.indexOf("\t", start) + 1, end);
      if (tag === "S" || tag === "s") entries.skipWorktree.push(file);
      if (tag !== undefined && tag >= "a" && tag <= "z") entries.assumeUnchanged.push(file);
      // A conflicted submodule has several stages: one path is enough.
      if (gitlink && entries.gitlinks.at(-1) !== file) entries.gitlinks.push(file);
    }
    start = end + 1;
  }
  return entries;
}
