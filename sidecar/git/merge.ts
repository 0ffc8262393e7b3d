import { runGit, splitNul, type GitContext, type RepoGuard } from "./run";

/** True when `ancestor` is reachable from `descendant` (or is it). */
export async function isAncestor(ctx: GitContext, dir: string, ancestor: string, descendant: string): Promise<boolean> {
  const { exitCode } = await runGit(ctx, dir, ["merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant], { okExitCodes: [1] });
  return exitCode === 0;
}

export type MergeTreeResult = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/**
 * `git merge-tree --write-tree <ours> <theirs>`: the merge computed without a worktree or an index, so
 * a conflict leaves nothing behind but unreachable objects. The repository's merge drivers are
 * switched off into failures by the guard: a file one would have merged is a conflict.
 */
export async function mergeTrees(ctx: GitContext, dir: string, ours: string, theirs: string, guard: RepoGuard): Promise<MergeTreeResult> {
  // Exit 1: conflicts. Output: the tree, then each conflicted path once (--name-only).
  const { stdout, exitCode } = await runGit(ctx, dir, ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", "--end-of-options", ours, theirs], {
    guard,
    okExitCodes: [1],
  });
  const [tree = "", ...files] = splitNul(stdout);
  if (exitCode === 0) return { clean: true, tree: tree.trim() };
  return { clean: false, conflicts: [...new Set(files.filter((file) => file !== ""))] };
}

/** A commit of `tree` with `parents` and `message` (no hooks, no signing); returns its id. */
export async function commitTree(
  ctx: GitContext,
  dir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  identity: Record<string, string>,
): Promise<string> {
  const args = ["commit-tree", "--no-gpg-sign", ...parents.flatMap((parent) => ["-p", parent]), "-F", "-", "--end-of-options", tree];
  const { stdout } = await runGit(ctx, dir, args, { input: message.endsWith("\n") ? message : `${message}\n`, env: identity });
  return stdout.trim();
}

/**
 * `git read-tree -m -u <from> <to>`: moves the index and the worktree from one commit's tree to
 * another's, as a checkout does, refusing (and changing nothing) when a file it would touch has
 * local changes, or an untracked or ignored file is in the way.
 */
export async function moveWorktreeTree(ctx: GitContext, dir: string, from: string, to: string, guard: RepoGuard): Promise<void> {
  await runGit(ctx, dir, ["read-tree", "-m", "-u", "--end-of-options", from, to], { guard });
}

/** Moves HEAD (its branch, when on one) from `from` to `to`, only if it is still at `from`. */
export async function moveHead(ctx: GitContext, dir: string, to: string, from: string, message: string): Promise<void> {
  await runGit(ctx, dir, ["update-ref", "-m", message, "HEAD", to, from]);
}
