import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { ReviewAddCommentInput } from "../../schemas/review";
import type { SidecarClient } from "../../sidecar-client";
import { sessionDiff } from "../worktree/session-diff";
import { quoteFromPatch } from "./quote-from-patch";

/** The session's comments, pending first (in file and line order), then the ones already sent. */
export async function listReviewComments(db: Db, sessionId: string) {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  const comments = await db.reviewComment.findMany({ where: { sessionId }, orderBy: [{ path: "asc" }, { line: "asc" }, { createdAt: "asc" }] });
  return [...comments.filter((c) => c.sentAt === null), ...comments.filter((c) => c.sentAt !== null)];
}

/**
 * The lines a comment is about, as the diff shows them now (kept with the comment, so the agent
 * reads what the user saw); null when the sidecar cannot say (the comment is kept all the same).
 */
async function quoteOf(deps: { db: Db; sidecar: SidecarClient }, input: ReviewAddCommentInput): Promise<string | null> {
  try {
    const diff = await sessionDiff(deps, { sessionId: input.sessionId, paths: [input.path] });
    const file = diff.files.find((f) => f.path === input.path || f.oldPath === input.path);
    const lines = file ? quoteFromPatch(file.patch, input.side, input.line, input.endLine ?? input.line) : null;
    return lines ? lines.join("\n") : null;
  } catch {
    return null;
  }
}

export async function addReviewComment(deps: { db: Db; sidecar: SidecarClient }, input: ReviewAddCommentInput) {
  const session = await deps.db.session.findUnique({ where: { id: input.sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", input.sessionId);
  const quote = await quoteOf(deps, input);
  return deps.db.reviewComment.create({
    data: { sessionId: input.sessionId, path: input.path, line: input.line, endLine: input.endLine ?? null, side: input.side, body: input.body, quote },
  });
}

export async function removeReviewComment(db: Db, id: string) {
  const { count } = await db.reviewComment.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Comment", id);
  return { id, removed: true as const };
}
