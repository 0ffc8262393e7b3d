import { parseDiffRecords, type DiffRecord } from "../diff/diff-records";
import { runGit, type GitContext, type RepoGuard } from "./run";

/**
 * What a diff compares: a commit or tree with the snapshot index (`diff-index --cached`, the
 * worktree as read by worktree-snapshot.ts), or two commits (`diff-tree`).
 */
export type DiffSides = { kind: "index"; base: string; env: Record<string, string> } | { kind: "trees"; from: string; to: string };

/**
 * Plumbing only (diff-index, diff-tree read none of the `diff.*` settings a repository could use to
 * change their output), no external diff and no textconv (the repository's drivers are switched off
 * by name as well), renames and copies found, submodules as their commit ids.
 */
const OPTIONS = ["-M", "-C", "--no-ext-diff", "--no-textconv", "--no-color", "--submodule=short"];
/** Paths in patch headers as they are (UTF-8), quoted only for control characters, `"` and `\`. */
const CONFIG = [["core.quotePath", "false"]] as const;

function argsFor(sides: DiffSides, format: readonly string[], pathspec: readonly string[] | undefined): string[] {
  const tail = pathspec === undefined ? [] : ["--", ...pathspec];
  if (sides.kind === "index") return ["diff-index", "--cached", ...OPTIONS, ...format, sides.base, ...tail];
  return ["diff-tree", "-r", ...OPTIONS, ...format, sides.from, sides.to, ...tail];
}

function envFor(sides: DiffSides): Record<string, string> {
  // Pathspecs are file names from the request: no glob or magic in them.
  return { ...(sides.kind === "index" ? sides.env : {}), GIT_LITERAL_PATHSPECS: "1" };
}

/** Every changed file with its status, modes and line counts (`--raw --numstat -z`). */
export async function readDiffRecords(ctx: GitContext, dir: string, sides: DiffSides, guard: RepoGuard): Promise<DiffRecord[]> {
  const { stdout } = await runGit(ctx, dir, argsFor(sides, ["-z", "--raw", "--numstat"], undefined), { guard, env: envFor(sides), config: CONFIG });
  return parseDiffRecords(stdout);
}

/**
 * The unified patch of the files `pathspec` names (all when undefined), handed to `onChunk` as git
 * writes it; `onChunk` returning false stops git (the budget is spent).
 */
export async function streamPatches(
  ctx: GitContext,
  dir: string,
  sides: DiffSides,
  guard: RepoGuard,
  pathspec: readonly string[] | undefined,
  onChunk: (chunk: Buffer) => boolean,
): Promise<void> {
  await runGit(ctx, dir, argsFor(sides, ["-p"], pathspec), { guard, env: envFor(sides), config: CONFIG, onStdout: onChunk });
}
