/** One comment as the agent reads it. */
export type ReviewCommentForMessage = { path: string; line: number; endLine: number | null; side: string; body: string; quote: string | null };

function where(comment: ReviewCommentForMessage): string {
  const lines = comment.endLine && comment.endLine !== comment.line ? `${comment.line}-${comment.endLine}` : String(comment.line);
  // A comment on a removed line names the old side: the line is no longer in the file.
  return `${comment.path}:${lines}${comment.side === "old" ? " (removed lines, numbered as before the change)" : ""}`;
}

/**
 * The review comments as one message to a tab's agent: `path:line`, the quoted code, the comment,
 * in the order of the files and lines.
 */
export function formatReviewMessage(comments: ReviewCommentForMessage[]): string {
  const sorted = [...comments].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
  const blocks = sorted.map((comment) => {
    const quote = comment.quote === null ? "> (these lines are no longer in the diff)" : comment.quote.split("\n").map((line) => `> ${line}`).join("\n");
    return `${where(comment)}\n${quote}\n${comment.body}`;
  });
  const count = comments.length === 1 ? "one comment" : `${comments.length} comments`;
  return `Review of the changes in this worktree (${count}). Please address each:\n\n${blocks.join("\n\n")}`;
}
