"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useRef, useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { DialogFrame, FormError } from "../ui/dialog-frame";
import { useNotifications } from "../ui/notifications";
import { changesLinksOf, RiskReportView } from "../worktree/risk-report-view";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * "Clean up sessions": the sessions whose worktree is clean and merged, to pick and delete in one
 * go. Each still goes through the delete gate; what it kept, and why, is said in words.
 */
export function CleanupDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useNotifications();
  const candidates = useQuery(trpc.session.cleanupCandidates.queryOptions(undefined, { enabled: open, staleTime: 0, retry: false }));
  const [unpicked, setUnpicked] = useState<Set<string>>(new Set());
  const list = candidates.data ?? [];
  const picked = list.filter((s) => !unpicked.has(s.id)).map((s) => s.id);
  // The titles as listed when the user chose: a kept session is no candidate any more afterwards.
  const titles = useRef(new Map<string, string>());
  const titleOf = (id: string) => titles.current.get(id) ?? id;
  const cleanup = useMutation(
    trpc.session.cleanup.mutationOptions({
      onSuccess: async (outcome) => {
        const kept = outcome.refused.length > 0 ? ` ${plural(outcome.refused.length, "session was", "sessions were")} kept: ${outcome.refused.map((r) => `“${titleOf(r.id)}”`).join(", ")}.` : "";
        notify({ title: `${plural(outcome.deleted.length, "session", "sessions")} deleted`, body: `Their worktrees were removed (the branches stay in the repositories).${kept}` });
        await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
        if (outcome.refused.length === 0) onOpenChange(false);
      },
    }),
  );
  const toggle = (id: string) => setUnpicked((current) => (current.has(id) ? new Set([...current].filter((x) => x !== id)) : new Set([...current, id])));

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        if (!next) cleanup.reset();
        onOpenChange(next);
      }}
      title="Clean up sessions"
      description="Sessions whose worktree is clean and merged: deleting them loses nothing. Each is checked again before it goes."
    >
      {candidates.isPending ? <p className="text-sm">Checking the worktrees…</p> : null}
      <FormError message={candidates.error?.message ?? null} />
      {candidates.isSuccess && list.length === 0 ? <p className="text-sm">No session is clean and merged: nothing to clean up.</p> : null}
      {list.length > 0 ? (
        <fieldset className="max-h-64 space-y-1 overflow-y-auto text-sm">
          <legend className="sr-only">Sessions to delete</legend>
          {list.map((s) => (
            <label key={s.id} className="flex items-start gap-2">
              <input type="checkbox" className="mt-1 h-4 w-4" checked={!unpicked.has(s.id)} onChange={() => toggle(s.id)} />
              <span className="min-w-0">
                <span className="font-medium">{s.title}</span> <span className="font-mono text-xs break-all text-zinc-700 dark:text-zinc-300">{s.branch ?? s.path}</span>
              </span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {cleanup.data && cleanup.data.refused.length > 0 ? (
        <div role="status" className="mt-3 space-y-2 text-sm">
          <p>
            {plural(cleanup.data.deleted.length, "session was", "sessions were")} deleted; {plural(cleanup.data.refused.length, "was", "were")} kept because deleting would lose work:
          </p>
          {cleanup.data.refused.map((r) => (
            <div key={r.id} className="space-y-1">
              <p className="font-medium">
                “{titleOf(r.id)}”: {r.message}
              </p>
              {r.riskReports.map((report) => (
                <RiskReportView key={report.path} report={report} links={changesLinksOf(r.id)} />
              ))}
            </div>
          ))}
        </div>
      ) : null}
      <FormError message={cleanup.error?.message ?? null} />
      <div className="mt-4 flex justify-end gap-2">
        <Dialog.Close asChild>
          <Button>{cleanup.data ? "Close" : "Cancel"}</Button>
        </Dialog.Close>
        {list.length > 0 && !cleanup.data ? (
          <Button variant="danger" disabled={picked.length === 0 || cleanup.isPending} onClick={() => {
              titles.current = new Map(list.map((s) => [s.id, s.title]));
              cleanup.mutate({ ids: picked });
            }}>
            {cleanup.isPending ? "Deleting…" : `Delete ${plural(picked.length, "session", "sessions")}`}
          </Button>
        ) : null}
      </div>
    </DialogFrame>
  );
}
