import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import { checkWorktrees } from "./risk-gate";

/**
 * Stashes the uncommitted work of a session's worktree (`git stash push -u`) so a delete can go on,
 * and returns the fresh report: commits may still block.
 */
export async function stashSessionWorktree(deps: { db: Db; sidecar: SidecarClient }, sessionId: string) {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, include: { worktree: true } });
  if (!session) throw notFound("Session", sessionId);
  const worktree = session.worktree;
  if (!worktree || worktree.removedAt !== null) throw new AppError("BAD_REQUEST", `Session "${session.title}" has no worktree to stash`);
  try {
    return await deps.sidecar.stash({ path: worktree.path, message: `boochat: ${session.title}` });
  } catch (error) {
    if (error instanceof SidecarUnavailableError) throw new AppError("SERVICE_UNAVAILABLE", `Nothing was stashed: ${error.message}`);
    if (error instanceof SidecarRequestError) throw new AppError("BAD_REQUEST", `Nothing was stashed: ${error.message}`);
    throw error;
  }
}

/** A fresh risk report of a session's worktree (for the commit flow and the session view). */
export async function sessionWorktreeRisk(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, sessionId: string) {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, include: { worktree: true } });
  if (!session) throw notFound("Session", sessionId);
  const worktree = session.worktree;
  if (!worktree || worktree.removedAt !== null) return null;
  const { reports } = await checkWorktrees(deps.sidecar, [worktree], deps.riskTimeoutMs);
  return reports[0] ?? null;
}
