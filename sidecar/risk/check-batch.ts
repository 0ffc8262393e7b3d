import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import type { RiskReport } from "../../server/schemas/risk-report";
import { headsContainedIn, listCommitsNotInDefault, type CommitList } from "../git/commits";
import { readContextDrivers, type ConfigDrivers } from "../git/config-drivers";
import { readIndexEntries } from "../git/index-entries";
import type { GitContext } from "../git/run";
import { readWorktreeDirs, type WorktreeDirs } from "../git/worktree-dirs";
import { findWorktreeEntry, listWorktrees, type WorktreeEntry } from "../git/worktree-list";
import { checkWorktree, startGuardAndStatus } from "./check-worktree";
import { mapWithLimit, RISK_CONCURRENCY } from "./concurrency";
import { judgeWorktree } from "./judge-worktree";
import type { ResolvedPath } from "./paths";
import { describeFailure, unverified } from "./unverified";

/** Heads told apart in one rev-list at most; past that, each worktree asks git itself. */
const SHARED_REV_LIST_CAP = 5_000;

type LinkedDirs = { gitDir: string; commonDir: string; commonReal: string };

/** What the worktrees of one repository share in a batch: asked once, in one of them. */
type RepoFacts = {
  defaultBranchRef: string | null;
  worktrees: WorktreeEntry[];
  drivers: ConfigDrivers;
  /** heads with nothing outside the default branch (null: ask per worktree) */
  inDefault: Promise<Set<string> | null>;
};

/**
 * A linked worktree's git dirs as git finds them, read from its files: `<dir>/.git` names its git dir,
 * whose `commondir` names the shared one and whose `gitdir` points back at `<dir>/.git`. Null for
 * anything else (a main working tree, a missing or odd file): that worktree is checked on its own.
 */
async function readLinkedDirs(real: string): Promise<LinkedDirs | null> {
  try {
    const match = /^gitdir: (.+)\n?$/.exec(await readFile(path.join(real, ".git"), "utf8"));
    if (!match?.[1]) return null;
    const gitDir = path.resolve(real, match[1]);
    const [common, back] = await Promise.all([readFile(path.join(gitDir, "commondir"), "utf8"), readFile(path.join(gitDir, "gitdir"), "utf8")]);
    if (back.trim() !== path.join(real, ".git")) return null;
    const commonDir = path.resolve(gitDir, common.trim());
    return { gitDir, commonDir, commonReal: await realpath(commonDir) };
  } catch {
    return null;
  }
}

/**
 * The shared answers, read in one member: origin/HEAD, the worktree list, the config's drivers. Null
 * when they may differ between worktrees (includes, whose conditions can depend on the worktree;
 * per-worktree config; core.worktree) or do not match what the files said: each member is then checked alone.
 */
async function readRepoFacts(ctx: GitContext, member: string, commonReal: string): Promise<RepoFacts | null> {
  try {
    const [dirs, worktrees, drivers] = await Promise.all([readWorktreeDirs(ctx, member), listWorktrees(ctx, member), readContextDrivers(ctx, member)]);
    if (dirs === null || dirs.toplevel !== member || (await realpath(dirs.commonDir)) !== commonReal) return null;
    if (drivers.worktreeSpecific || drivers.includes.length > 0) return null;
    const defaultBranchRef = dirs.defaultBranchRef;
    const heads = [...new Set(worktrees.map((entry) => entry.head).filter((head): head is string => head !== null))];
    const inDefault = defaultBranchRef === null ? Promise.resolve(null) : headsContainedIn(ctx, member, heads, "refs/remotes/origin/HEAD", SHARED_REV_LIST_CAP).catch(() => null);
    return { defaultBranchRef, worktrees, drivers, inDefault };
  } catch {
    return null;
  }
}

/** What the single check's `rev-list HEAD --not origin/HEAD` answers, from the shared list when it can tell. */
async function notInDefaultOf(ctx: GitContext, real: string, head: string | null, facts: RepoFacts): Promise<CommitList | null> {
  // The judge reads no list for an unborn HEAD or without a default branch.
  if (head === null || facts.defaultBranchRef === null) return null;
  if ((await facts.inDefault)?.has(head)) return { count: 0, commits: [] };
  return listCommitsNotInDefault(ctx, real);
}

async function checkWithFacts(ctx: GitContext, target: ResolvedPath, linked: LinkedDirs, facts: RepoFacts): Promise<RiskReport> {
  const entry = await findWorktreeEntry(facts.worktrees, target.real);
  if (!entry) return checkWorktree(ctx, target);
  try {
    const dirs: WorktreeDirs = { toplevel: target.real, gitDir: linked.gitDir, commonDir: linked.commonDir, defaultBranchRef: facts.defaultBranchRef };
    const indexPromise = readIndexEntries(ctx, target.real);
    const guardAndStatus = startGuardAndStatus(ctx, target.real, Promise.resolve(facts.drivers), indexPromise);
    const [index, notInDefault] = await Promise.all([indexPromise, notInDefaultOf(ctx, target.real, entry.head, facts)]);
    return await judgeWorktree(ctx, target, { dirs, worktrees: facts.worktrees, index, notInDefault, guardAndStatus });
  } catch (error) {
    return unverified(target.input, describeFailure(error));
  }
}

/**
 * The risk check of many worktrees in one go (issue 18, "the batch is cheap at scale"): the worktrees
 * of one repository share origin/HEAD, the worktree list, the config's drivers and one rev-list of
 * their heads against the default branch, so each costs little more than its own ls-files and status.
 * Every report equals the single check's (sidecar/risk-batch.test.ts); whatever the batch cannot
 * share with certainty is checked alone. Reports keep the order of `targets`.
 */
export async function checkWorktrees(ctx: GitContext, targets: readonly ResolvedPath[]): Promise<RiskReport[]> {
  const linked = await Promise.all(targets.map((target) => (target.exists ? readLinkedDirs(target.real) : null)));
  const members = new Map<string, number>();
  for (const dirs of linked) if (dirs) members.set(dirs.commonReal, (members.get(dirs.commonReal) ?? 0) + 1);
  const facts = new Map<string, Promise<RepoFacts | null>>();
  return mapWithLimit(targets, RISK_CONCURRENCY, async (target, index) => {
    const dirs = linked[index];
    // Alone in its repository, a worktree gains nothing from sharing.
    if (!dirs || (members.get(dirs.commonReal) ?? 0) < 2) return checkWorktree(ctx, target);
    let shared = facts.get(dirs.commonReal);
    if (!shared) {
      shared = readRepoFacts(ctx, target.real, dirs.commonReal);
      facts.set(dirs.commonReal, shared);
    }
    const found = await shared;
    return found === null ? checkWorktree(ctx, target) : checkWithFacts(ctx, target, dirs, found);
  });
}
