import { access, realpath, stat } from "node:fs/promises";
import path from "node:path";
import {
  readContextDrivers,
  readFileDrivers,
  resolveIncludePath,
  UnverifiableConfigError,
  type ConfigDrivers,
} from "./config-drivers";
import { readIndexEntries } from "./index-entries";
import type { GitContext, RepoGuard } from "./run";

/** Submodules inside submodules inside ...: deeper than this, the sidecar refuses rather than guesses. */
export const MAX_SUBMODULE_DEPTH = 4;
const MAX_SUBMODULES = 64;
/** git's own limit on nested includes */
const MAX_INCLUDE_DEPTH = 10;
const MAX_INCLUDED_FILES = 32;

type Names = { filters: Set<string>; merges: Set<string>; diffs: Set<string> };

function addNames(into: Names, found: ConfigDrivers): void {
  for (const name of found.filters) into.filters.add(name);
  for (const name of found.merges) into.merges.add(name);
  for (const name of found.diffs) into.diffs.add(name);
}

function because(what: string, error: unknown): UnverifiableConfigError {
  if (error instanceof UnverifiableConfigError) return error;
  return new UnverifiableConfigError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Reads every file the include directives name, whatever their conditions (an `includeIf "onbranch:"`
 * inactive here may be active in the new worktree or a submodule), so no condition can hide a driver.
 */
async function followIncludes(ctx: GitContext, dir: string, start: ConfigDrivers, into: Names): Promise<void> {
  addNames(into, start);
  const seen = new Set<string>();
  let pending = start.includes;
  for (let depth = 1; pending.length > 0; depth += 1) {
    if (depth > MAX_INCLUDE_DEPTH) throw new UnverifiableConfigError(`the config of ${dir} nests includes deeper than ${MAX_INCLUDE_DEPTH}`);
    const files = pending.map(({ file, value }) => resolveIncludePath(value, file, ctx.home)).filter((file) => !seen.has(file));
    for (const file of files) seen.add(file);
    if (seen.size > MAX_INCLUDED_FILES) throw new UnverifiableConfigError(`the config of ${dir} includes more than ${MAX_INCLUDED_FILES} files`);
    // git skips an include whose file does not exist; one it cannot read fails below.
    const read = await Promise.all(files.map(async (file) => ((await exists(file)) ? readFileDrivers(ctx, dir, file) : null)));
    pending = [];
    for (const found of read) {
      if (found === null) continue;
      addNames(into, found);
      pending.push(...found.includes);
    }
  }
}

/**
 * The submodule directory git would enter for a gitlink, or null when git would not: not checked out
 * (no `.git`), or reached through a symbolic link (git never follows one inside a worktree).
 */
async function populatedSubmodule(top: string, gitlink: string): Promise<string | null> {
  const dir = path.join(top, gitlink);
  if ((await realpath(dir).catch(() => null)) !== dir) return null;
  return (await stat(path.join(dir, ".git")).catch(() => null)) === null ? null : dir;
}

type Walk = { names: Names; submodules: number };

/**
 * The drivers of every populated submodule, nested ones too, read as git itself enters them
 * (`GIT_DIR=.git` in the submodule's folder): a `.git` folder inside the worktree, a gitfile into
 * `modules/`, or a gitfile pointing anywhere else.
 */
async function walkSubmodules(ctx: GitContext, top: string, gitlinks: readonly string[], depth: number, walk: Walk): Promise<void> {
  const dirs = (await Promise.all(gitlinks.map((gitlink) => populatedSubmodule(top, gitlink)))).filter((dir) => dir !== null);
  if (dirs.length === 0) return;
  if (depth > MAX_SUBMODULE_DEPTH) throw new UnverifiableConfigError(`${top} nests submodules deeper than ${MAX_SUBMODULE_DEPTH} levels`);
  walk.submodules += dirs.length;
  if (walk.submodules > MAX_SUBMODULES) throw new UnverifiableConfigError(`the worktree holds more than ${MAX_SUBMODULES} submodules`);
  const env = { GIT_DIR: ".git" };
  await Promise.all(
    dirs.map(async (dir) => {
      try {
        const [own, index] = await Promise.all([readContextDrivers(ctx, dir, env), readIndexEntries(ctx, dir, env)]);
        await followIncludes(ctx, dir, own, walk.names);
        await walkSubmodules(ctx, dir, index.gitlinks, depth + 1, walk);
      } catch (error) {
        throw because(`the submodule ${dir} cannot be read`, error);
      }
    }),
  );
}

/**
 * Completes what the caller already read in `dir` (its config and its index's gitlinks) into the
 * full guard: included files and submodules. Costs nothing more when there are neither.
 */
export async function completeGuard(ctx: GitContext, dir: string, own: ConfigDrivers, gitlinks: readonly string[]): Promise<RepoGuard> {
  const walk: Walk = { names: { filters: new Set(), merges: new Set(), diffs: new Set() }, submodules: 0 };
  try {
    await followIncludes(ctx, dir, own, walk.names);
  } catch (error) {
    throw because(`the config of ${dir} cannot be read`, error);
  }
  await walkSubmodules(ctx, dir, gitlinks, 1, walk);
  return { filters: [...walk.names.filters], merges: [...walk.names.merges], diffs: [...walk.names.diffs] };
}

/**
 * The guard for git calls in `dir`: its config (includes followed unconditionally) and, when
 * `submodules`, every populated submodule's. Throws UnverifiableConfigError with the reason when
 * the configuration cannot be read with certainty.
 */
export async function readRepoGuard(ctx: GitContext, dir: string, options: { submodules: boolean }): Promise<RepoGuard> {
  let own: ConfigDrivers;
  let gitlinks: string[] = [];
  try {
    const [drivers, index] = await Promise.all([readContextDrivers(ctx, dir), options.submodules ? readIndexEntries(ctx, dir) : null]);
    own = drivers;
    gitlinks = index?.gitlinks ?? [];
  } catch (error) {
    throw because(`the config of ${dir} cannot be read`, error);
  }
  return completeGuard(ctx, dir, own, gitlinks);
}

/** Both guards at once (e.g. `worktree remove` runs in the shared git dir and checks the worktree). */
export function unionGuards(a: RepoGuard, b: RepoGuard): RepoGuard {
  const union = (x: readonly string[], y: readonly string[]) => [...new Set([...x, ...y])];
  return { filters: union(a.filters, b.filters), merges: union(a.merges, b.merges), diffs: union(a.diffs, b.diffs) };
}
