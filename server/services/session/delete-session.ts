import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SessionDeleteInput } from "../../schemas/session";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import { describeRisk } from "../../schemas/describe-risk";
import { withKeyLock } from "../../lib/key-lock";
import { checkWorktrees, unverifiedReport } from "../worktree/risk-gate";
import { describeRunning, runningTasksOf } from "./running-tasks";
import { publishSessionChange } from "./session-events";
import { sessionFamily, type FamilyMember } from "./session-family";
import { endFamilyAgents, type SessionAgents } from "./stop-session-agents";

export type DeleteSessionDeps = { db: Db; sidecar: SidecarClient; riskTimeoutMs: number; agents?: SessionAgents };

type WorktreeOutcome = { path: string; outcome: "removed" | "kept-as-orphan" };

export type DeleteSessionResult = {
  deleted: true;
  worktree: WorktreeOutcome | null;
  /** The arena entry sessions deleted with it (absent when it started no arena). */
  entrySessions?: Array<{ id: string; title: string; worktree: WorktreeOutcome | null }>;
};

/**
 * The delete gate (docs/ARCHITECTURE.md, "The delete gate"). Deleting a session deletes its arena
 * entry sessions too, through the same gate.
 * - Force skips the check entirely: zero sidecar requests, the agents are stopped, the sessions
 *   go, every worktree stays on disk as an orphan. Force never removes anything from disk.
 * - Otherwise a running agent refuses the delete (from the database: CONFLICT with
 *   `runningTasks`); a session without a worktree goes with no sidecar request; worktrees go only
 *   when the sidecar says clean, every one checked before any goes; anything else is a CONFLICT
 *   carrying every risk report.
 */
export async function deleteSession(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  // Concurrent deletes of one session: the second waits, then finds it gone (NOT_FOUND), never a 500.
  return withKeyLock(`session:${input.id}`, () => deleteSessionUnlocked(deps, input));
}

/** The gate itself, for a caller that already holds the session's lock (stash-and-delete). */
export async function deleteSessionUnlocked(deps: DeleteSessionDeps, input: SessionDeleteInput): Promise<DeleteSessionResult> {
  const family = await sessionFamily(deps.db, input.id);
  if (input.force) {
    await endFamilyAgents(deps, family, "Stopped: its session was force-deleted");
    await deleteSessionRows(deps.db, family);
    return resultOf(family, "kept-as-orphan");
  }

  const running = await runningTasksOf(deps.db, family.map((member) => member.id));
  if (running.length > 0) {
    throw new AppError("CONFLICT", `Nothing was deleted: ${describeRunning(running)}. Stop them first, or force the delete.`, {
      runningTasks: running,
      riskReports: [],
    });
  }
  const worktrees = family.flatMap((member) => (member.worktree ? [member.worktree] : []));
  if (worktrees.length > 1) {
    // Several worktrees: all are checked before any goes, so a refusal leaves every one in place.
    const check = await checkWorktrees(deps.sidecar, worktrees, deps.riskTimeoutMs);
    if (check.reports.some((r) => r.status !== "clean")) {
      throw new AppError("CONFLICT", `Nothing was deleted: ${describeRisk(check.reports.filter((r) => r.status !== "clean"))}`, {
        riskReports: check.reports,
      });
    }
  }
  // The sidecar's remove runs the full risk check itself and removes only when it says clean, in
  // one request: no window between the check and the removal, and one round trip instead of two.
  for (const worktree of worktrees) await removeWorktreeThroughSidecar(deps, worktree);
  await endFamilyAgents(deps, family, "Stopped: its session was deleted");
  await deleteSessionRows(deps.db, family);
  return resultOf(family, "removed");
}

function resultOf(family: FamilyMember[], outcome: WorktreeOutcome["outcome"]): DeleteSessionResult {
  const [root, ...entries] = family;
  const worktreeOf = (member: FamilyMember | undefined): WorktreeOutcome | null => (member?.worktree ? { path: member.worktree.path, outcome } : null);
  return {
    deleted: true,
    worktree: worktreeOf(root),
    ...(entries.length > 0 ? { entrySessions: entries.map((entry) => ({ id: entry.id, title: entry.title, worktree: worktreeOf(entry) })) } : {}),
  };
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

/** The session and its entries in one statement: the worktree rows stay (session_id SET NULL). */
async function deleteSessionRows(db: Db, family: FamilyMember[]) {
  const [root] = family;
  if (!root) return;
  const { count } = await db.session.deleteMany({ where: { id: { in: family.map((member) => member.id) } } });
  if (count === 0) throw notFound("Session", root.id);
  publishSessionChange();
}
