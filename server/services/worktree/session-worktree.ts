import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import { liveWorktree } from "./session-worktrees";

/** A session and its live worktree; a session without one is BAD_REQUEST in words (`what` it was for). */
export async function sessionWithWorktree(db: Db, sessionId: string, what: string) {
  const session = await db.session.findUnique({ where: { id: sessionId }, include: { worktree: true } });
  if (!session) throw notFound("Session", sessionId);
  const worktree = liveWorktree(session.worktree);
  if (!worktree) throw new AppError("BAD_REQUEST", `sessionId: session "${session.title}" has no worktree to ${what}`);
  return { session, worktree };
}
