"use client";

import { useId, useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { FormError, inputClass } from "../ui/dialog-frame";
import { rangeLabel, type LineRange } from "./line-selection";

/** A review comment as `review.comments` answers it. */
export type ReviewCommentRow = { id: string; path: string; line: number; endLine: number | null; side: string; body: string; sentAt: Date | null };

/** A comment under the lines it is about: pending (with Remove) or already sent to an agent. */
export function CommentNote({ comment, removing, onRemove }: { comment: ReviewCommentRow; removing: boolean; onRemove: () => void }) {
  const where = rangeLabel(comment);
  const sent = comment.sentAt !== null;
  return (
    <div
      role="note"
      aria-label={`Comment on ${where}`}
      className={`m-1 rounded-md border px-3 py-2 font-sans text-sm ${sent ? "border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900" : "border-indigo-300 bg-indigo-50 dark:border-indigo-800 dark:bg-indigo-950"}`}
    >
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        <span className="font-mono">{where}</span>
        {comment.side === "old" ? " (removed lines)" : ""} · {sent ? "sent to the agent" : "pending: not sent yet"}
      </p>
      <p className="whitespace-pre-wrap">{comment.body}</p>
      {sent ? null : (
        <Button variant="ghost" className="mt-1 min-h-7 px-2 py-0.5 text-xs" disabled={removing} onClick={onRemove} aria-label={`Remove comment on ${where}`}>
          Remove
        </Button>
      )}
    </div>
  );
}

/** Where a new comment is written, under the last selected line. */
export function CommentForm(props: { range: LineRange; saving: boolean; error: string | null; onSave: (body: string) => void; onCancel: () => void }) {
  const id = useId();
  const [body, setBody] = useState("");
  const where = rangeLabel(props.range);
  function submit(event: FormEvent) {
    event.preventDefault();
    props.onSave(body);
  }
  return (
    <form onSubmit={submit} className="m-1 space-y-2 rounded-md border border-indigo-300 bg-white p-2 font-sans text-sm dark:border-indigo-800 dark:bg-zinc-950">
      <label htmlFor={id} className="block text-xs font-medium">
        Comment on <span className="font-mono">{where}</span>
        {props.range.side === "old" ? " (removed lines)" : ""}
      </label>
      <textarea
        id={id}
        className={inputClass}
        rows={3}
        value={body}
        autoFocus
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && props.onCancel()}
      />
      <FormError message={props.error} />
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={props.saving || body.trim() === ""}>
          {props.saving ? "Adding…" : "Add comment"}
        </Button>
        <Button onClick={props.onCancel}>Cancel</Button>
      </div>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">Shift-click another line number, or drag over them, to comment on a range.</p>
    </form>
  );
}
