import { lstat, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { emptyRiskReport, type RiskReason, type RiskReport } from "../../server/schemas/risk-report";
import { listCommitsNotIn, listCommitsNotInDefault, listCommitsWithNewPatches, type CommitList } from "../git/commits";
import { readContextDrivers, UnverifiableConfigError, type ConfigDrivers } from "../git/config-drivers";
import { readIndexEntries, type IndexEntries } from "../git/index-entries";
import { filterLocallyExcluded, hasLocalExcludes } from "../git/local-excludes";
import { mergeAddsNothing } from "../git/merge-tree";
import { readOperationInProgress } from "../git/operation-in-progress";
import { completeGuard } from "../git/repo-guard";
import { GitError, type GitContext } from "../git/run";
import { countStashesOfBranch } from "../git/stash";
import { readStatus } from "../git/status";
import { readWorktreeDirs, type WorktreeDirs } from "../git/worktree-dirs";
import { findWorktreeEntry, listWorktrees, type WorktreeEntry } from "../git/worktree-list";
import { countDirty } from "./dirty";
import { fingerprintOf } from "./fingerprint";
import { pickNotableIgnored } from "./notable-ignored";
import type { ResolvedPath } from "./paths";

const NONE: CommitList = { count: 0, commits: [] };

function unverified(input: string, error: string): RiskReport {
  const report = emptyRiskReport(input);
  report.error = error;
  report.fingerprint = fingerprintOf({ head: null, statusRecords: [], reasons: [], verdict: `unverified:${error}` });
  return report;
}

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

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function describeFailure(error: unknown): string {
  if (error instanceof GitError) return error.message;
  if (error instanceof UnverifiableConfigError) {
    return `the repository's configuration cannot be switched off with certainty, so git was not run on it: ${error.message}`;
  }
  if (error instanceof Error) return `the check failed: ${error.message}`;
  return "the check failed";
}

function listSome(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(", ");
  return files.length > 5 ? `${shown} and more` : shown;
}

/**
 * The risk check of one worktree (docs/ARCHITECTURE.md, "The risk check, step by step"). Never
 * throws: anything it cannot establish makes the report "unverified" with the reason.
 */
export async function checkWorktree(ctx: GitContext, target: ResolvedPath): Promise<RiskReport> {
  try {
    return await check(ctx, target);
  } catch (error) {
    return unverified(target.input, describeFailure(error));
  }
}

async function check(ctx: GitContext, target: ResolvedPath): Promise<RiskReport> {
  const { input, real } = target;
  if (!target.exists) return unverified(input, `the worktree directory ${input} does not exist`);
  if (!(await stat(real)).isDirectory()) return unverified(input, `${input} is not a directory`);

  // Round 1: everything that needs nothing but the directory, in parallel.
  const [dirs, worktrees, drivers, index, notInDefault] = await Promise.all([
    settle(readWorktreeDirs(ctx, real)),
    settle(listWorktrees(ctx, real)),
    settle(readContextDrivers(ctx, real)),
    settle(readIndexEntries(ctx, real)),
    settle(listCommitsNotInDefault(ctx, real)),
  ]);
  // A directory in no repository makes every call fail: say that rather than git's words.
  if (dirs.ok && dirs.value === null) return unverified(input, `${input} is not inside a git worktree`);
  const failed = [dirs, worktrees, drivers, index, notInDefault].find((result) => !result.ok);
  if (failed && !failed.ok) return unverified(input, describeFailure(failed.error));
  if (!dirs.ok || dirs.value === null || !worktrees.ok || !drivers.ok || !index.ok || !notInDefault.ok) {
    return unverified(input, "the check failed");
  }
  return checkListedWorktree(ctx, target, dirs.value, worktrees.value, drivers.value, index.value, notInDefault.value);
}

async function checkListedWorktree(
  ctx: GitContext,
  target: ResolvedPath,
  dirs: WorktreeDirs,
  worktrees: readonly WorktreeEntry[],
  drivers: ConfigDrivers,
  index: IndexEntries,
  notInDefaultRaw: CommitList | null,
): Promise<RiskReport> {
  const { input, real } = target;
  if (dirs.toplevel !== real && (await realpath(dirs.toplevel).catch(() => dirs.toplevel)) !== real) {
    return unverified(input, `${input} is not the top of a git worktree (git's top for it is ${dirs.toplevel})`);
  }
  const entry = await findWorktreeEntry(worktrees, real);
  if (!entry) return unverified(input, `git does not list ${input} as a worktree of ${dirs.commonDir}`);

  const head = entry.head;
  const detached = entry.detached;
  const branch = entry.branch?.replace(/^refs\/heads\//, "") ?? null;
  const defaultRef = dirs.defaultBranchRef;
  const defaultBranch = defaultRef?.replace(/^refs\/remotes\/origin\//, "") ?? null;
  if (head !== null && defaultRef !== null && notInDefaultRaw === null) {
    return unverified(input, `git could not compare HEAD with ${defaultRef}`);
  }
  const notInDefault = head !== null && defaultRef !== null && notInDefaultRaw !== null ? notInDefaultRaw : NONE;
  // origin/<default> is a remote-tracking ref, so unpushed commits are a subset of those not in it:
  // when none are missing from the default branch, none are unpushed either and git need not be asked.
  const mayBeUnpushed = head !== null && (defaultRef === null || notInDefault.count > 0);

  // Included files and submodules: nothing to read in most repositories, so usually no git call.
  const guard = await completeGuard(ctx, real, drivers, index.gitlinks);

  // Round 2: status (needs the driver names) and what round 1 showed is worth asking.
  const [status, operation, unpushed, withNewPatches, orphaned, stashes, localExcludes, skipPresent] = await Promise.all([
    readStatus(ctx, real, guard),
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

