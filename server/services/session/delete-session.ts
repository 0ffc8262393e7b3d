import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SessionDeleteInput } from "../../schemas/session";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import { describeRisk } from "../worktree/describe-risk";
import { checkWorktrees, consentCovers, unverifiedReport } from "../worktree/risk-gate";
import { withKeyLock } from "../worktree/key-lock";

export type DeleteSessionDeps = { db: Db; sidecar: SidecarClient; riskTimeoutMs: number };

export type DeleteSessionResult =
  | { deleted: true; worktree: null }
  | { deleted: true; worktree: { path: string; outcome: "removed" | "kept-as-orphan" } };

/**
 * The delete gate (docs/ARCHITECTURE.md, "The delete gate"). A chat-only session goes at once with
 * no sidecar call; a worktree goes only when the sidecar says clean; anything else is a CONFLICT
 * carrying the risk reports. Force keeps the worktree on disk as an orphan, never removes it.
 */
export async function deleteSession(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  // Concurrent deletes of one session: the second waits, then finds it gone (NOT_FOUND), never a 500.
  return withKeyLock(`session:${input.id}`, () => deleteSessionUnlocked(deps, input));
}

async function deleteSessionUnlocked(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  const { db, sidecar } = deps;
  const session = await db.session.findUnique({ where: { id: input.id }, include: { worktree: true } });
  if (!session) throw notFound("Session", input.id);

  const worktree = session.worktree && session.worktree.removedAt === null ? session.worktree : null;
  if (!worktree) {
    await deleteSessionRow(db, input.id);
    return { deleted: true, worktree: null };
  }

  if (input.force) {
    // Force never touches the disk, so it may escape a sidecar that cannot answer; when the
    // sidecar does answer, the user must have seen the worktree as it is now.
    const check = await checkWorktrees(sidecar, [worktree], deps.riskTimeoutMs);
    if (check.sidecarAnswered && !consentCovers(check.reports, input.consent)) {
      throw new AppError(
        "CONFLICT",
        `The worktree changed since you looked at it: ${describeRisk(check.reports)}. Review it again before forcing.`,
        { riskReports: check.reports },
      );
    }
    await deleteSessionRow(db, input.id);
    return { deleted: true, worktree: { path: worktree.path, outcome: "kept-as-orphan" } };
  }

  // The sidecar's remove runs the full risk check itself and removes only when it says clean, in
  // one request: no window between the check and the removal, and one round trip instead of two.
  await removeWorktreeThroughSidecar(deps, worktree);
  await deleteSessionRow(db, input.id);
  return { deleted: true, worktree: { path: worktree.path, outcome: "removed" } };
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
