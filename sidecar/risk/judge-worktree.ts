import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import type { RiskReason, RiskReport } from "../../server/schemas/risk-report";
import { listCommitsNotIn, listCommitsWithNewPatches, type CommitList } from "../git/commits";
import type { IndexEntries } from "../git/index-entries";
import { filterLocallyExcluded, hasLocalExcludes } from "../git/local-excludes";
import { mergeAddsNothing } from "../git/merge-tree";
import { readOperationInProgress } from "../git/operation-in-progress";
import type { GitContext, RepoGuard } from "../git/run";
import { countStashesOfBranch } from "../git/stash";
import type { Status } from "../git/status";
import type { WorktreeDirs } from "../git/worktree-dirs";
import { findWorktreeEntry, type WorktreeEntry } from "../git/worktree-list";
import { countDirty } from "./dirty";
import { fingerprintOf } from "./fingerprint";
import { pickNotableIgnored } from "./notable-ignored";
import type { ResolvedPath } from "./paths";
import { unverified } from "./unverified";

const NONE: CommitList = { count: 0, commits: [] };

/**
 * What the check learns before judging: the first round's answers (from one worktree's own git calls,
 * or shared by the worktrees of one repository in a batch), and the guard and status, started as soon
 * as the driver names and gitlinks were known. The guard and status are settled promises: a failure
 * there counts only after the checks that come before it in the report's order.
 */
export type FirstRound = {
  dirs: WorktreeDirs;
  worktrees: readonly WorktreeEntry[];
  index: IndexEntries;
  notInDefault: CommitList | null;
  guardAndStatus: Promise<{ guard: RepoGuard; status: Status }>;
};

/**
 * Skip-worktree files that exist on disk: git cannot see edits to them (absent ones are a sparse
 * checkout, nothing to lose). Stops after a few: the report names some, the verdict needs one.
 */
async function presentFiles(dir: string, files: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (let at = 0; at < files.length && present.length <= 5; at += 256) {
    const found = await Promise.all(
      files.slice(at, at + 256).map((file) =>
        lstat(path.join(dir, file)).then(
          () => file,
          () => null,
        ),
      ),
    );
    for (const file of found) if (file !== null) present.push(file);
  }
  return present;
}

function listSome(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(", ");
  return files.length > 5 ? `${shown} and more` : shown;
}

/** The report of a worktree git lists (docs/ARCHITECTURE.md, "The risk check, step by step", steps 2-7). */
export async function judgeWorktree(ctx: GitContext, target: ResolvedPath, first: FirstRound): Promise<RiskReport> {
  const { input, real } = target;
  const { dirs, index } = first;
  if (dirs.toplevel !== real && (await realpath(dirs.toplevel).catch(() => dirs.toplevel)) !== real) {
    return unverified(input, `${input} is not the top of a git worktree (git's top for it is ${dirs.toplevel})`);
  }
  const entry = await findWorktreeEntry(first.worktrees, real);
  if (!entry) return unverified(input, `git does not list ${input} as a worktree of ${dirs.commonDir}`);

  const head = entry.head;
  const detached = entry.detached;
  const branch = entry.branch?.replace(/^refs\/heads\//, "") ?? null;
  const defaultRef = dirs.defaultBranchRef;
  const defaultBranch = defaultRef?.replace(/^refs\/remotes\/origin\//, "") ?? null;
  if (head !== null && defaultRef !== null && first.notInDefault === null) {
    return unverified(input, `git could not compare HEAD with ${defaultRef}`);
  }
  const notInDefault = head !== null && defaultRef !== null && first.notInDefault !== null ? first.notInDefault : NONE;
  // origin/<default> is a remote-tracking ref, so unpushed commits are a subset of those not in it:
  // when none are missing from the default branch, none are unpushed either and git need not be asked.
  const mayBeUnpushed = head !== null && (defaultRef === null || notInDefault.count > 0);

  // Round 2: what round 1 showed is worth asking, beside the status already under way.
  const [{ guard, status }, operation, unpushed, withNewPatches, orphaned, stashes, localExcludes, skipPresent] = await Promise.all([
    first.guardAndStatus,
    readOperationInProgress(dirs.gitDir),
    head && mayBeUnpushed ? listCommitsNotIn(ctx, real, head, ["--remotes"]) : NONE,
    head && defaultRef && notInDefault.count > 0 ? listCommitsWithNewPatches(ctx, real, defaultRef, head) : NONE,
    head && detached ? listCommitsNotIn(ctx, real, head, ["--branches", "--remotes"]) : NONE,
    countStashesOfBranch(dirs.commonDir, branch),
    hasLocalExcludes(dirs.commonDir),
    presentFiles(real, index.skipWorktree),
  ]);
  if (status.oid !== head) return unverified(input, `HEAD of ${input} moved while it was being checked: check again`);

  // Round 3, rarely: a squash merge (merge-tree) and files hidden by .git/info/exclude (check-ignore).
  const ignored = status.entries.filter((e) => e.kind === "ignored").map((e) => e.path);
  const askMergeTree = head !== null && defaultRef !== null && withNewPatches.count > 0;
  const [squashMerged, locallyExcluded] = await Promise.all([
    askMergeTree && head && defaultRef ? mergeAddsNothing(ctx, real, dirs.commonDir, defaultRef, head, guard) : false,
    localExcludes ? filterLocallyExcluded(ctx, real, ignored, guard) : Promise.resolve([]),
  ]);
  const unmerged = squashMerged ? NONE : withNewPatches;

  const { dirty, seen } = countDirty(status.entries, locallyExcluded);
  const notableIgnored = pickNotableIgnored(ignored.filter((file) => !locallyExcluded.includes(file)));

  const reasons: RiskReason[] = [];
  if (dirty.staged + dirty.unstaged + dirty.untracked + dirty.conflicted > 0) reasons.push("dirty");
  if (unpushed.count > 0) reasons.push("unpushed");
  if (unmerged.count > 0) reasons.push("unmerged");
  if (detached && orphaned.count > 0) reasons.push("detached");
  if (operation !== null) reasons.push("operation-in-progress");

  const problems: string[] = [];
  if (operation !== null) problems.push(`a ${operation} is in progress`);
  if (entry.locked) problems.push(`the worktree is locked${entry.lockedReason ? ` (${entry.lockedReason})` : ""}: unlock it with git worktree unlock`);
  if (index.assumeUnchanged.length > 0) {
    problems.push(`git cannot see edits to files marked assume-unchanged: ${listSome(index.assumeUnchanged)}`);
  }
  if (skipPresent.length > 0) problems.push(`git cannot see edits to files marked skip-worktree: ${listSome(skipPresent)}`);
  if (defaultRef === null) {
    problems.push("the default branch is unknown: refs/remotes/origin/HEAD is not set (git remote set-head origin --auto)");
  }

  let verdict: RiskReport["status"];
  if (entry.locked) verdict = "unverified";
  else if (reasons.length > 0) verdict = "at-risk";
  else if (problems.length > 0) verdict = "unverified";
  else verdict = "clean";

  const report: RiskReport = {
    path: input,
    status: verdict,
    reasons,
    branch: detached ? null : branch,
    head,
    defaultBranch,
    dirty,
    unpushed: { count: unpushed.count, upstream: status.upstream, commits: unpushed.commits },
    unmerged,
    stashes,
    fingerprint: fingerprintOf({ head, statusRecords: seen, reasons, verdict }),
  };
  if (problems.length > 0) report.error = problems.join("; ");
  if (notableIgnored.length > 0) report.notableIgnored = notableIgnored;
  return report;
}
