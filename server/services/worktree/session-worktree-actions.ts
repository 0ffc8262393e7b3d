import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { sessionFamily } from "../session/session-family";
import { checkWorktrees } from "./risk-gate";

/**
 * The session's worktree, or with `path` the worktree at that path among the session's and its
 * arena entry sessions' (the block dialog of a session that started an arena reaches them all).
 */
async function liveWorktreeOf(db: Db, sessionId: string, path?: string) {
  const family = await sessionFamily(db, sessionId);
  const [session] = family;
  if (!session) throw notFound("Session", sessionId);
  if (path === undefined) return { session, worktree: session.worktree };
  const owner = family.find((member) => member.worktree?.path === path);
  if (!owner?.worktree) throw new AppError("BAD_REQUEST", `path: ${path} is not a worktree of session "${session.title}"`);
  return { session: owner, worktree: owner.worktree };
}

/**
 * Stashes the uncommitted work of a session's worktree (`git stash push -u`) so a delete can go on,
 * and returns the fresh report: commits may still block.
 */
export async function stashSessionWorktree(deps: { db: Db; sidecar: SidecarClient }, sessionId: string, path?: string) {
  const { session, worktree } = await liveWorktreeOf(deps.db, sessionId, path);
  if (!worktree) throw new AppError("BAD_REQUEST", `Session "${session.title}" has no worktree to stash`);
  try {
    return await deps.sidecar.stash({ path: worktree.path, message: `boochat: ${session.title}` });
  } catch (error) {
    throw sidecarFailure("Nothing was stashed", error);
  }
}

/** The commit flow: commits every change in the session's worktree with the user's message (never pushes). */
export async function commitSessionWorktree(deps: { db: Db; sidecar: SidecarClient }, input: { sessionId: string; path?: string; message: string }) {
  const { session, worktree } = await liveWorktreeOf(deps.db, input.sessionId, input.path);
  if (!worktree) throw new AppError("BAD_REQUEST", `Session "${session.title}" has no worktree to commit in`);
  try {
    return await deps.sidecar.commit({ path: worktree.path, message: input.message });
  } catch (error) {
    throw sidecarFailure("Nothing was committed", error);
  }
}

/** A fresh risk report of a session's worktree (for the commit flow and the session view). */
export async function sessionWorktreeRisk(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, sessionId: string, path?: string) {
  const { worktree } = await liveWorktreeOf(deps.db, sessionId, path);
  if (!worktree) return null;
  const { reports } = await checkWorktrees(deps.sidecar, [worktree], deps.riskTimeoutMs);
  return reports[0] ?? null;
}
