import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SessionDeleteInput } from "../../schemas/session";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import { describeRisk } from "../worktree/describe-risk";
import { allClean, checkWorktrees, consentCovers, unverifiedReport } from "../worktree/risk-gate";
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

  const check = await checkWorktrees(sidecar, [worktree], deps.riskTimeoutMs);

  if (input.force) {
    // Force never touches the disk, so it may escape a sidecar that cannot answer; when the
    // sidecar does answer, the user must have seen the worktree as it is now.
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

  if (!allClean(check.reports)) {
    throw new AppError("CONFLICT", `Session not deleted: its worktree holds ${describeRisk(check.reports)}.`, {
      riskReports: check.reports,
    });
  }

  await removeWorktreeThroughSidecar(deps, worktree);
  await deleteSessionRow(db, input.id);
  return { deleted: true, worktree: { path: worktree.path, outcome: "removed" } };
}

/** Removes a clean worktree (the sidecar re-checks first) and records `removed_at`; a refusal is a CONFLICT. */
export async function removeWorktreeThroughSidecar(
  deps: { db: Db; sidecar: SidecarClient },
  worktree: { id: string; path: string; branch: string | null },
) {
  const { path } = worktree;
  let result;
  try {
    result = await deps.sidecar.remove({ path });
  } catch (error) {
    if (error instanceof SidecarUnavailableError || error instanceof SidecarRequestError) {
      const reports = [unverifiedReport(path, `The worktree could not be removed: ${error.message}.`, worktree.branch)];
      throw new AppError("CONFLICT", `Nothing was deleted: ${error.message}.`, { riskReports: reports });
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
