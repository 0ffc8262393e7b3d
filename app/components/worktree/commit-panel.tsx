"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { FormError, inputClass } from "../ui/dialog-frame";
import { RiskReportView } from "./risk-report-view";

/**
 * The commit flow the block dialog's Commit leads to: the changes that blocked the delete, a
 * message box, and a button. Nothing is committed until the user writes a message and asks.
 */
export function CommitPanel({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const messageId = useId();
  const [message, setMessage] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const risk = useQuery(trpc.worktree.risk.queryOptions({ sessionId }, { staleTime: 0 }));
  const commit = useMutation(
    trpc.worktree.commit.mutationOptions({
      onSuccess: (answer) => {
        queryClient.setQueryData(trpc.worktree.risk.queryKey({ sessionId }), answer.report);
        setResult(answer.committed && answer.commit ? `Committed ${answer.commit.slice(0, 8)}. Push the branch to make it safe to delete.` : "Nothing to commit.");
        setMessage("");
      },
    }),
  );
  const d = risk.data?.dirty;
  const changed = d ? d.staged + d.unstaged + d.untracked + d.conflicted : 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    commit.mutate({ sessionId, message });
  }

  return (
    <section aria-labelledby="commit-heading" className="max-h-[50vh] overflow-y-auto border-b border-zinc-200 bg-amber-50/60 px-5 py-3 dark:border-zinc-800 dark:bg-amber-950/30">
      <div className="flex items-center justify-between">
        <h2 id="commit-heading" className="font-semibold">
          Commit your changes
        </h2>
        <div className="flex gap-2">
          <Button variant="ghost" onClick={() => void risk.refetch()}>
            Check again
          </Button>
          <Button variant="ghost" onClick={onClose}>
            Done
          </Button>
        </div>
      </div>
      <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300">
        These changes kept the session from being deleted. Commit them here (all of them, hooks do not run), push the branch from your
        clone, then delete the session again.
      </p>
      {risk.isPending ? <p className="text-sm">Checking the worktree…</p> : null}
      {risk.error ? <p role="alert">{risk.error.message}</p> : null}
      {risk.data ? <RiskReportView report={risk.data} /> : null}
      {changed > 0 ? (
        <form onSubmit={submit} className="mt-3 space-y-2">
          <label htmlFor={messageId} className="block text-sm font-medium">
            Commit message
          </label>
          <textarea id={messageId} className={inputClass} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
          <FormError message={commit.error?.message ?? null} />
          <Button type="submit" variant="primary" disabled={commit.isPending || message.trim() === ""}>
            {commit.isPending ? "Committing…" : `Commit ${changed} ${changed === 1 ? "change" : "changes"}`}
          </Button>
        </form>
      ) : null}
      {result ? (
        <p role="status" className="mt-2 text-sm text-green-800 dark:text-green-300">
          {result}
        </p>
      ) : null}
      {risk.data?.status === "clean" ? <p className="mt-2 text-sm text-green-800 dark:text-green-300">Nothing is at risk any more.</p> : null}
    </section>
  );
}
