import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SessionDeleteInput } from "../../schemas/session";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import { describeRisk } from "../worktree/describe-risk";
import { checkWorktrees, consentCovers, unverifiedReport } from "../worktree/risk-gate";
import { withKeyLock } from "../worktree/key-lock";
import { liveWorktreesWhere, ownWorktree } from "../worktree/session-worktrees";

export type DeleteSessionDeps = { db: Db; sidecar: SidecarClient; riskTimeoutMs: number };

type WorktreeOutcome = { path: string; outcome: "removed" | "kept-as-orphan" };

export type DeleteSessionResult =
  | { deleted: true; worktree: null; arenaWorktrees?: WorktreeOutcome[] }
  | { deleted: true; worktree: WorktreeOutcome; arenaWorktrees?: WorktreeOutcome[] };

/**
 * The delete gate (docs/ARCHITECTURE.md, "The delete gate"). A chat-only session goes at once with
 * no sidecar call; worktrees go only when the sidecar says clean; anything else is a CONFLICT
 * carrying the risk reports. Force keeps the worktrees on disk as orphans, never removes them.
 * A session owns its own worktree and one per arena entry: the gate covers every one.
 */
export async function deleteSession(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  // Concurrent deletes of one session: the second waits, then finds it gone (NOT_FOUND), never a 500.
  return withKeyLock(`session:${input.id}`, () => deleteSessionUnlocked(deps, input));
}

async function deleteSessionUnlocked(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  const { db, sidecar } = deps;
  const session = await db.session.findUnique({
    where: { id: input.id },
    include: { worktrees: { where: liveWorktreesWhere, orderBy: { createdAt: "asc" } } },
  });
  if (!session) throw notFound("Session", input.id);

  const own = ownWorktree(session.worktrees);
  const arena = session.worktrees.filter((w) => w !== own);
  const worktrees = own ? [own, ...arena] : arena;
  if (worktrees.length === 0) {
    await deleteSessionRow(db, input.id);
    return { deleted: true, worktree: null };
  }
  const result = (outcome: WorktreeOutcome["outcome"]): DeleteSessionResult => ({
    deleted: true,
    worktree: own ? { path: own.path, outcome } : null,
    ...(arena.length > 0 ? { arenaWorktrees: arena.map((w) => ({ path: w.path, outcome })) } : {}),
  });

  if (input.force) {
    // Force never touches the disk, so it may escape a sidecar that cannot answer; when the
    // sidecar does answer, the user must have seen the worktrees as they are now.
    const check = await checkWorktrees(sidecar, worktrees, deps.riskTimeoutMs);
    if (check.sidecarAnswered && !consentCovers(check.reports, input.consent)) {
      throw new AppError(
        "CONFLICT",
        `The worktree changed since you looked at it: ${describeRisk(check.reports)}. Review it again before forcing.`,
        { riskReports: check.reports },
      );
    }
    await deleteSessionRow(db, input.id);
    return result("kept-as-orphan");
  }

  if (worktrees.length > 1) {
    // Several worktrees: all are checked before any goes, so a refusal leaves every one in place.
    const check = await checkWorktrees(sidecar, worktrees, deps.riskTimeoutMs);
    const atRisk = check.reports.filter((r) => r.status !== "clean");
    if (atRisk.length > 0) {
      throw new AppError("CONFLICT", `Nothing was deleted: ${describeRisk(check.reports)}`, { riskReports: check.reports });
    }
  }
  // The sidecar's remove runs the full risk check itself and removes only when it says clean, in
  // one request: no window between the check and the removal, and one round trip instead of two.
  for (const worktree of worktrees) await removeWorktreeThroughSidecar(deps, worktree);
  await deleteSessionRow(db, input.id);
  return result("removed");
}

/**
 * Removes a worktree through the sidecar, which re-checks it first; a refusal (work at risk, or
 * no answer within the risk timeout) is a CONFLICT carrying the reports. Records `removed_at`.
 */
export async function removeWorktreeThroughSidecar(
  deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number },
  worktree: { id: string; path: string; branch: string | null },
) {
  let result;
  try {
    result = await deps.sidecar.remove({ path: worktree.path }, { timeoutMs: deps.riskTimeoutMs });
  } catch (error) {
    if (error instanceof SidecarUnavailableError || error instanceof SidecarRequestError) {
      const reports = [unverifiedReport(worktree.path, `The risk check could not run: ${error.message}.`, worktree.branch)];
      throw new AppError("CONFLICT", `Nothing was deleted: ${describeRisk(reports)}`, { riskReports: reports });
    }
    throw error;
  }
  if (!result.removed) {
    throw new AppError("CONFLICT", `Nothing was deleted: the worktree holds ${describeRisk(result.reports)}.`, {
      riskReports: result.reports,
    });
  }
  await deps.db.worktree.update({ where: { id: worktree.id }, data: { removedAt: new Date() } });
}

async function deleteSessionRow(db: Db, id: string) {
  const { count } = await db.session.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Session", id);
}
