import { readdir } from "node:fs/promises";
import path from "node:path";
import { runGit, type DriverNames, type GitContext } from "./run";

const DRIVER_KEYS = "^(filter|merge)\\.";

function parseDriverNames(stdout: string, into: { filters: Set<string>; merges: Set<string> }): void {
  for (const record of stdout.split("\0")) {
    const key = record.split("\n", 1)[0] ?? "";
    const lastDot = key.lastIndexOf(".");
    if (key.startsWith("filter.") && lastDot > "filter.".length) into.filters.add(key.slice("filter.".length, lastDot));
    else if (key.startsWith("merge.") && lastDot > "merge.".length) into.merges.add(key.slice("merge.".length, lastDot));
  }
}

/**
 * The filter and merge driver names the repository's config defines (includes followed), so that
 * every later call can switch them off by name: git has no switch for "no drivers at all".
 */
export async function readDriverNames(ctx: GitContext, dir: string): Promise<DriverNames> {
  // Exit code 1: no such keys.
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--get-regexp", DRIVER_KEYS], { okExitCodes: [1] });
  const names = { filters: new Set<string>(), merges: new Set<string>() };
  parseDriverNames(stdout, names);
  return { filters: [...names.filters], merges: [...names.merges] };
}

/** Config files of the submodule repositories kept under `<git dir>/modules/` (nested ones too). */
async function findModuleConfigs(gitDirs: readonly string[]): Promise<string[]> {
  const configs: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    if (depth > 6) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((entry) => entry.name === "config" && entry.isFile()) && entries.some((entry) => entry.name === "HEAD")) {
      configs.push(path.join(dir, "config"));
    }
    await Promise.all(entries.filter((entry) => entry.isDirectory() && entry.name !== "objects" && entry.name !== "refs").map((entry) => walk(path.join(dir, entry.name), depth + 1)));
  }
  await Promise.all([...new Set(gitDirs)].map((gitDir) => walk(path.join(gitDir, "modules"), 0)));
  return configs;
}

/**
 * `drivers` plus those that submodules' own configs define: `status --ignore-submodules=none` runs
 * git inside each submodule, and the `-c` switches reach it, so their drivers must be named too.
 * Costs nothing but two directory reads when there are no submodules.
 */
export async function withSubmoduleDrivers(ctx: GitContext, dir: string, drivers: DriverNames, gitDirs: readonly string[]): Promise<DriverNames> {
  const configs = await findModuleConfigs(gitDirs);
  if (configs.length === 0) return drivers;
  const names = { filters: new Set(drivers.filters), merges: new Set(drivers.merges) };
  const outputs = await Promise.all(
    configs.map((file) => runGit(ctx, dir, ["config", "-z", "--includes", "--file", file, "--get-regexp", DRIVER_KEYS], { okExitCodes: [1] })),
  );
  for (const { stdout } of outputs) parseDriverNames(stdout, names);
  return { filters: [...names.filters], merges: [...names.merges] };
}
