import { runGit, type DriverNames, type GitContext } from "./run";

/**
 * The filter and merge driver names the repository's config defines (includes followed), so that
 * every later call can switch them off by name: git has no switch for "no drivers at all".
 */
export async function readDriverNames(ctx: GitContext, dir: string): Promise<DriverNames> {
  // Exit code 1: no such keys.
  const { stdout } = await runGit(ctx, dir, ["config", "-z", "--get-regexp", "^(filter|merge)\\."], { okExitCodes: [1] });
  const filters = new Set<string>();
  const merges = new Set<string>();
  for (const record of stdout.split("\0")) {
    const key = record.split("\n", 1)[0] ?? "";
    const lastDot = key.lastIndexOf(".");
    if (key.startsWith("filter.") && lastDot > "filter.".length) filters.add(key.slice("filter.".length, lastDot));
    else if (key.startsWith("merge.") && lastDot > "merge.".length) merges.add(key.slice("merge.".length, lastDot));
  }
  return { filters: [...filters], merges: [...merges] };
}
