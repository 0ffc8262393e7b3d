import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runGit, type GitContext } from "./run";

/** ref name -> object id; symbolic refs (origin/HEAD) left out. */
export type RefMap = Map<string, string>;

/** The refs under `prefixes`, each with its object id; symbolic refs are not listed. */
export async function readRefs(ctx: GitContext, dir: string, prefixes: readonly string[], env?: Record<string, string>): Promise<RefMap> {
  const { stdout } = await runGit(ctx, dir, ["for-each-ref", "--format=%(objectname) %(refname) %(symref)", "--", ...prefixes], { env });
  const refs: RefMap = new Map();
  for (const line of stdout.split("\n")) {
    // Ref names hold no spaces (git refuses them), so the three fields split cleanly.
    const [oid, name, symref] = line.split(" ");
    if (oid && name && !symref) refs.set(name, oid);
  }
  return refs;
}

/** Gives the shadow repository the real one's refs, so a fetch says what it already has (no full download). */
export async function writePackedRefs(shadowDir: string, refs: RefMap): Promise<void> {
  const lines = [...refs].map(([name, oid]) => `${oid} ${name}\n`).join("");
  await writeFile(path.join(shadowDir, "packed-refs"), lines);
}

export type RefUpdate = { ref: string; from: string | null; to: string };

/**
 * Moves refs in one transaction (`update-ref --stdin -z`), each only if it still has the value read
 * before (a ref created meanwhile, or moved, fails the whole transaction: nothing changes).
 */
export async function applyRefUpdates(ctx: GitContext, dir: string, updates: readonly RefUpdate[], message: string): Promise<void> {
  if (updates.length === 0) return;
  const input = updates
    .map((update) => (update.from === null ? `create ${update.ref}\0${update.to}\0` : `update ${update.ref}\0${update.to}\0${update.from}\0`))
    .join("");
  await runGit(ctx, dir, ["update-ref", "-m", message, "--stdin", "-z"], { input });
}

/** The branch's upstream: `branch.<name>.remote origin` and `.merge refs/heads/<name>`, as `git push -u` sets them. */
export async function setUpstream(ctx: GitContext, dir: string, branch: string): Promise<void> {
  await runGit(ctx, dir, ["config", "--local", `branch.${branch}.remote`, "origin"]);
  await runGit(ctx, dir, ["config", "--local", `branch.${branch}.merge`, `refs/heads/${branch}`]);
}
