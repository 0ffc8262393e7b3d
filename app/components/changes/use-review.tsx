"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useTRPC } from "@/trpc/client";
import type { FileReview } from "./file-diff";
import { selectLine, type LineRange, type Side } from "./line-selection";
import { CommentForm, CommentNote, type ReviewCommentRow } from "./review-widgets";

/**
 * Line comments on a session's changes: the lines chosen now, the comments the server keeps
 * (pending until sent), and what each file's diff shows under its lines.
 */
export function useReview(sessionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [selection, setSelection] = useState<LineRange | null>(null);
  const comments = useQuery(trpc.review.comments.queryOptions({ sessionId }, { retry: false }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.review.comments.queryKey({ sessionId }) });
  const add = useMutation(
    trpc.review.addComment.mutationOptions({
      onSuccess: async () => {
        setSelection(null);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.review.removeComment.mutationOptions({ onSuccess: invalidate }));

  const onLineClick = useCallback(
    (click: { path: string; side: Side; line: number; extend: boolean }) => {
      add.reset();
      setSelection((current) => selectLine(current, click.path, click, click.extend));
    },
    [add],
  );

  const rows: ReviewCommentRow[] = useMemo(() => comments.data ?? [], [comments.data]);

  const reviewOf = (path: string): FileReview => {
    const widgets: FileReview["widgets"] = rows
      .filter((c) => c.path === path)
      .map((c) => ({
        key: c.id,
        side: c.side === "old" ? "old" : "new",
        line: c.endLine ?? c.line,
        node: <CommentNote comment={c} removing={remove.isPending} onRemove={() => remove.mutate({ id: c.id })} />,
      }));
    const mine = selection && selection.path === path ? selection : null;
    if (mine) {
      widgets.push({
        key: `form-${mine.side}-${mine.line}-${mine.endLine}`,
        side: mine.side,
        line: mine.endLine,
        node: (
          <CommentForm
            range={mine}
            saving={add.isPending}
            error={add.error?.message ?? null}
            onCancel={() => setSelection(null)}
            onSave={(body) =>
              add.mutate({ sessionId, path, line: mine.line, ...(mine.endLine !== mine.line ? { endLine: mine.endLine } : {}), side: mine.side, body })
            }
          />
        ),
      });
    }
    return { selection: mine, widgets, onLineClick };
  };

  return { comments: rows, commentsError: comments.error?.message ?? null, reviewOf };
}
