import { stat } from "node:fs/promises";
import type { RiskReport } from "../../server/schemas/risk-report";
import { listCommitsNotInDefault } from "../git/commits";
import { readContextDrivers, type ConfigDrivers } from "../git/config-drivers";
import { readIndexEntries, type IndexEntries } from "../git/index-entries";
import { completeGuard } from "../git/repo-guard";
import type { GitContext } from "../git/run";
import { readStatus } from "../git/status";
import { readWorktreeDirs } from "../git/worktree-dirs";
import { listWorktrees } from "../git/worktree-list";
import { judgeWorktree } from "./judge-worktree";
import type { ResolvedPath } from "./paths";
import { describeFailure, unverified } from "./unverified";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * The guard (drivers of includes and submodules) and then the status, started as soon as the driver
 * names and the gitlinks are known, beside the rest of round one. Its failure is held until the
 * judge reaches it, so the report names the first problem in the usual order.
 */
export function startGuardAndStatus(ctx: GitContext, dir: string, drivers: Promise<ConfigDrivers>, index: Promise<IndexEntries>) {
  const started = Promise.all([drivers, index]).then(async ([own, entries]) => {
    const guard = await completeGuard(ctx, dir, own, entries.gitlinks);
    return { guard, status: await readStatus(ctx, dir, guard) };
  });
  // Awaited later (or never, when an earlier step already decided): not an unhandled rejection meanwhile.
  started.catch(() => undefined);
  return started;
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

  // Round 1: everything that needs nothing but the directory, in parallel; the status as soon as it can.
  const driversPromise = readContextDrivers(ctx, real);
  const indexPromise = readIndexEntries(ctx, real);
  const guardAndStatus = startGuardAndStatus(ctx, real, driversPromise, indexPromise);
  const [dirs, worktrees, drivers, index, notInDefault] = await Promise.all([
    settle(readWorktreeDirs(ctx, real)),
    settle(listWorktrees(ctx, real)),
    settle(driversPromise),
    settle(indexPromise),
    settle(listCommitsNotInDefault(ctx, real)),
  ]);
  // A directory in no repository makes every call fail: say that rather than git's words.
  if (dirs.ok && dirs.value === null) return unverified(input, `${input} is not inside a git worktree`);
  const failed = [dirs, worktrees, drivers, index, notInDefault].find((result) => !result.ok);
  if (failed && !failed.ok) return unverified(input, describeFailure(failed.error));
  if (!dirs.ok || dirs.value === null || !worktrees.ok || !index.ok || !notInDefault.ok) return unverified(input, "the check failed");
  return judgeWorktree(ctx, target, { dirs: dirs.value, worktrees: worktrees.value, index: index.value, notInDefault: notInDefault.value, guardAndStatus });
}
