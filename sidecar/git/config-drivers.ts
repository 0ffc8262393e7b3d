import path from "node:path";
import { runGit, type GitContext } from "./run";

/** A repository configuration the sidecar cannot switch off with certainty: git must not run on it. */
export class UnverifiableConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnverifiableConfigError";
  }
}

/** Driver names found so far, and the include directives still to read (with the file that holds each). */
export type ConfigDrivers = {
  filters: Set<string>;
  merges: Set<string>;
  diffs: Set<string>;
  includes: Array<{ file: string; value: string }>;
  /**
   * The config may differ between the repository's worktrees beyond its includes (`config.worktree`
   * files are read, or `core.worktree` moves the working tree): a batch must not share it.
   */
  worktreeSpecific: boolean;
};

export const emptyConfigDrivers = (): ConfigDrivers => ({ filters: new Set(), merges: new Set(), diffs: new Set(), includes: [], worktreeSpecific: false });

/** Every key of the driver sections and every include directive, conditional or not. */
const KEYS = "^(filter|merge|diff|include|includeif)\\.";
/** ... and, for the config git reads in a worktree, what makes it one worktree's own. */
const CONTEXT_KEYS = `${KEYS}|^extensions\\.worktreeconfig$|^core\\.worktree$`;
const FALSE = /^(false|no|off|0)$/i;

function addKey(into: ConfigDrivers, record: string, file: string): void {
  const newline = record.indexOf("\n");
  const key = newline === -1 ? record : record.slice(0, newline);
  const value = newline === -1 ? null : record.slice(newline + 1);
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  const section = key.slice(0, first);
  const sub = first === last ? null : key.slice(first + 1, last);
  const variable = key.slice(last + 1);
  if (variable === "path" && ((section === "include" && sub === null) || (section === "includeif" && sub !== null))) {
    if (value === null) throw new UnverifiableConfigError(`${file} has an include without a path`);
    into.includes.push({ file, value });
    return;
  }
  if (sub === null) return;
  // git's parser allows neither in a subsection; a name that holds one could not be named back to git.
  if (/[\n\0]/.test(sub)) throw new UnverifiableConfigError(`${file} defines a ${section} driver whose name holds a newline`);
  if (section === "filter") into.filters.add(sub);
  else if (section === "merge") into.merges.add(sub);
  else if (section === "diff") into.diffs.add(sub);
}

/**
 * The drivers and includes of the configuration git reads in `dir` (its repository's config, the
 * worktree's config.worktree, active includes), skipping the sidecar's own command-line overrides.
 * `env` may point GIT_DIR at a submodule's `.git`, the way git itself enters a submodule.
 */
export async function readContextDrivers(ctx: GitContext, dir: string, env?: Record<string, string>): Promise<ConfigDrivers> {
  // Exit code 1: no such keys.
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--show-scope", "--show-origin", "--get-regexp", CONTEXT_KEYS], { env, okExitCodes: [1] });
  const found = emptyConfigDrivers();
  const fields = stdout.split("\0");
  for (let at = 0; at + 2 < fields.length; at += 3) {
    const [scope = "", origin = "", record = ""] = fields.slice(at, at + 3);
    if (scope === "command") continue;
    if (!origin.startsWith("file:")) throw new UnverifiableConfigError(`git read config from ${origin}, which the sidecar cannot follow`);
    if (record === "core.worktree" || record.startsWith("core.worktree\n")) found.worktreeSpecific = true;
    if (record.startsWith("extensions.worktreeconfig") && !FALSE.test(record.slice(record.indexOf("\n") + 1))) found.worktreeSpecific = true;
    // Origins are shown relative to where git runs: the sidecar always runs it at the top of `dir`.
    addKey(found, record, path.resolve(dir, origin.slice("file:".length)));
  }
  return found;
}

/** The drivers and includes of one included file, read alone (its own includes are returned, not followed). */
export async function readFileDrivers(ctx: GitContext, dir: string, file: string): Promise<ConfigDrivers> {
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--no-includes", "--file", file, "--get-regexp", KEYS], { okExitCodes: [1] });
  const found = emptyConfigDrivers();
  for (const record of stdout.split("\0")) if (record !== "") addKey(found, record, file);
  return found;
}

/**
 * Where an include directive points, as git resolves it: `~/` against HOME, relative paths against the
 * including file's folder. `~user/` and `%(prefix)/` depend on more than the sidecar can check.
 */
export function resolveIncludePath(value: string, file: string, home: string): string {
  if (value === "~" || value.startsWith("~/")) return path.join(home, value.slice(1));
  if (value.startsWith("~") || value.startsWith("%(prefix)/")) {
    throw new UnverifiableConfigError(`${file} includes ${value}, a path the sidecar cannot resolve for certain`);
  }
  return path.isAbsolute(value) ? value : path.resolve(path.dirname(file), value);
}
