import { readFile } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitContext, type RepoGuard } from "./run";

/** True when `<common dir>/info/exclude` holds at least one pattern (the template file is all comments). */
export async function hasLocalExcludes(commonDir: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path.join(commonDir, "info", "exclude"), "utf8");
  } catch {
    return false;
  }
  return text.split("\n").some((line) => line.trim() !== "" && !line.startsWith("#"));
}

/**
 * Of the ignored paths, those that no committed-style `.gitignore` rule decides: they are hidden only
 * by `.git/info/exclude` and so are untracked work. (core.excludesFile is already /dev/null.)
 */
export async function filterLocallyExcluded(ctx: GitContext, dir: string, ignored: readonly string[], guard: RepoGuard): Promise<string[]> {
  if (ignored.length === 0) return [];
  const { stdout } = await runGit(ctx, dir, ["check-ignore", "-v", "-n", "-z", "--stdin"], {
    input: `${ignored.join("\0")}\0`,
    guard,
    okExitCodes: [1],
  });
  // Records of four fields: source, line number, pattern, path.
  const fields = stdout.split("\0");
  const local: string[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const source = fields[i] ?? "";
    const file = fields[i + 3] ?? "";
    if (path.basename(source) !== ".gitignore") local.push(file);
  }
  return local;
}
