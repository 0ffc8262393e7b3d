import type { RiskReport } from "../../server/schemas/risk-report";
import { HttpError } from "../errors";
import { committerFallback } from "../git/identity";
import { readIndexEntries } from "../git/index-entries";
import { commitTree, isAncestor, mergeTrees, moveHead, moveWorktreeTree } from "../git/merge";
import { readOperationInProgress } from "../git/operation-in-progress";
import { readHead, resolveCommit } from "../git/refs";
import { GitError, type GitContext, type RepoGuard } from "../git/run";
import { readStatus } from "../git/status";
import type { WorktreeDirs } from "../git/worktree-dirs";
import { checkWorktree } from "../risk/check-worktree";
import type { ResolvedPath } from "../risk/paths";
import { requireGuard } from "../routes/worktree-target";

export type MergeResult = { result: "fast-forward" | "merged" | "up-to-date"; head: string; branch: string; report: RiskReport };

function listed(files: readonly string[]): string {
  return files.length > 10 ? `${files.slice(0, 10).join(", ")} and ${files.length - 10} more` : files.join(", ");
}

/**
 * Refuses, with a fresh report, a worktree holding anything a merge could lose or mix in: staged,
 * unstaged, untracked or conflicted files, an operation under way, files git cannot see edits to.
 */
async function requireNothingUncommitted(git: GitContext, target: ResolvedPath, dirs: WorktreeDirs, guard: RepoGuard): Promise<string> {
  const [status, operation, index, head] = await Promise.all([
    readStatus(git, target.real, guard),
    readOperationInProgress(dirs.gitDir),
    readIndexEntries(git, target.real),
    readHead(git, target.real),
  ]);
  const refuse = async (code: string, message: string): Promise<never> => {
    throw new HttpError(409, code, message, { report: await checkWorktree(git, target) });
  };
  if (operation !== null) await refuse("uncommitted-work", `a ${operation} is in progress in ${target.input}: finish or abort it first; nothing was merged`);
  const work = status.entries.filter((entry) => entry.kind !== "ignored").map((entry) => entry.path);
  if (work.length > 0) await refuse("uncommitted-work", `${target.input} has uncommitted work (${listed(work)}): commit or stash it first; nothing was merged`);
  const hidden = [...index.assumeUnchanged, ...index.skipWorktree];
  if (hidden.length > 0) await refuse("hidden-files", `git cannot see edits to files marked assume-unchanged or skip-worktree (${listed(hidden)}), so a merge could overwrite them; nothing was merged`);
  if (head === null) return refuse("no-commit", `${target.input} has no commit yet to merge into`);
  return head;
}

/**
 * Moves the worktree, its index and HEAD from `from` to `to`. read-tree either refuses (a file in the
 * way: nothing changed) or updates the files; HEAD then moves only if nobody moved it meanwhile, and
 * if somebody did, the files go back: never a worktree that matches neither commit.
 */
async function moveTo(git: GitContext, target: ResolvedPath, guard: RepoGuard, from: string, to: string, message: string): Promise<void> {
  try {
    await moveWorktreeTree(git, target.real, from, to, guard);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new HttpError(409, "merge-blocked", `git would not update the worktree's files (${error.message}); nothing was merged`, { report: await checkWorktree(git, target) });
  }
  try {
    await moveHead(git, target.real, to, from, message);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    await moveWorktreeTree(git, target.real, to, from, guard);
    throw new HttpError(409, "head-moved", `HEAD of ${target.input} moved during the merge; the files were put back, nothing was merged`, { report: await checkWorktree(git, target) });
  }
}

/**
 * "Merge into session" (issue 18): brings `branch` into the worktree: a fast-forward when possible, else
 * a merge commit with `message`, computed with merge-tree first so that a conflict changes nothing.
 * Never `git merge` in the worktree. The caller holds the repository's lock.
 */
export async function mergeBranch(git: GitContext, target: ResolvedPath, dirs: WorktreeDirs, branch: string, message: string): Promise<MergeResult> {
  const [guard, theirs] = await Promise.all([requireGuard(git, target.real, { submodules: true, target }), resolveCommit(git, target.real, `refs/heads/${branch}`)]);
  if (theirs === null) throw new HttpError(400, "invalid-input", `branch: ${branch} is not a branch of the repository`);
  const head = await requireNothingUncommitted(git, target, dirs, guard);
  const done = async (result: MergeResult["result"], newHead: string) => ({ result, head: newHead, branch, report: await checkWorktree(git, target) });
  if (head === theirs || (await isAncestor(git, target.real, theirs, head))) return done("up-to-date", head);
  if (await isAncestor(git, target.real, head, theirs)) {
    await moveTo(git, target, guard, head, theirs, `merge ${branch}: Fast-forward`);
    return done("fast-forward", theirs);
  }
  const merged = await mergeTrees(git, target.real, head, theirs, guard).catch((error: unknown) => {
    if (error instanceof GitError) throw new HttpError(409, "merge-failed", `git could not merge ${branch}: ${error.message}; nothing was merged`);
    throw error;
  });
  if (!merged.clean) {
    const report = await checkWorktree(git, target);
    throw new HttpError(409, "merge-conflict", `merging ${branch} conflicts in ${listed(merged.conflicts)}; nothing was changed`, { files: merged.conflicts, report });
  }
  const commit = await commitTree(git, target.real, merged.tree, [head, theirs], message, await committerFallback(git, target.real));
  await moveTo(git, target, guard, head, commit, `merge ${branch}`);
  return done("merged", commit);
}
