import { AppError } from "../../errors";
import type { RiskReport } from "../../schemas/risk-report";
import type { RunningTask } from "../../schemas/session";
import { liveWorktree } from "../worktree/session-worktrees";
import { checkWorktrees } from "../worktree/risk-gate";
import { deleteSession, type DeleteSessionDeps } from "./delete-session";

/**
 * "Clean up sessions": every session (not an arena entry: those go with their origin or from the
 * arena) whose worktree is clean and merged, so deleting it loses nothing. One risk request for
 * all of them.
 */
export async function cleanupCandidates(deps: Pick<DeleteSessionDeps, "db" | "sidecar" | "riskTimeoutMs">) {
  const sessions = await deps.db.session.findMany({
    where: { arenaId: null, worktree: { removedAt: null } },
    select: { id: true, title: true, createdAt: true, worktree: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const live = sessions.flatMap((s) => {
    const worktree = liveWorktree(s.worktree);
    return worktree ? [{ id: s.id, title: s.title, createdAt: s.createdAt, path: worktree.path, branch: worktree.branch }] : [];
  });
  if (live.length === 0) return [];
  const { reports } = await checkWorktrees(deps.sidecar, live, deps.riskTimeoutMs);
  const clean = new Set(reports.filter((r) => r.status === "clean").map((r) => r.path));
  return live.filter((s) => clean.has(s.path));
}

export type CleanupOutcome = {
  deleted: Array<{ id: string; path: string | null }>;
  /** Sessions the gate kept, each with why (what a block dialog would show). */
  refused: Array<{ id: string; message: string; riskReports: RiskReport[]; runningTasks: RunningTask[] }>;
};

/** Deletes the chosen sessions one by one through the delete gate; a refusal keeps that session and is reported. */
export async function cleanUpSessions(deps: DeleteSessionDeps, ids: string[]): Promise<CleanupOutcome> {
  const outcome: CleanupOutcome = { deleted: [], refused: [] };
  for (const id of ids) {
    try {
      const result = await deleteSession(deps, { id });
      outcome.deleted.push({ id, path: result.worktree?.path ?? null });
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== "CONFLICT" && error.code !== "NOT_FOUND")) throw error;
      outcome.refused.push({ id, message: error.message, riskReports: error.data.riskReports ?? [], runningTasks: error.data.runningTasks ?? [] });
    }
  }
  return outcome;
}
