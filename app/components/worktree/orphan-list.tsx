"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { DialogFrame } from "../ui/dialog-frame";
import { useNotifications } from "../ui/notifications";
import { RiskReportView } from "./risk-report-view";
import { RISK_STATUS_WORDS } from "./risk-words";

type Orphan = { id: string; path: string; branch: string | null };

/** Worktrees whose session was force-deleted: still on disk, to reattach or remove through the gate. */
export function OrphanList() {
  const trpc = useTRPC();
  const orphans = useQuery(trpc.worktree.orphans.queryOptions());
  if (!orphans.data || orphans.data.length === 0) return null;
  return (
    // At most 40% of the height: many orphans must not push the session list off a phone's screen.
    <section aria-labelledby="orphans-heading" className="max-h-[40%] shrink-0 overflow-y-auto border-t border-zinc-200 px-2 pt-3 pb-4 dark:border-zinc-800">
      <h2 id="orphans-heading" className="px-2 pb-1 text-xs font-semibold tracking-wide text-zinc-700 uppercase dark:text-zinc-300">
        Orphaned worktrees
      </h2>
      <ul className="space-y-1">
        {orphans.data.map((orphan) => (
          <OrphanItem key={orphan.id} orphan={orphan} />
        ))}
      </ul>
    </section>
  );
}

function OrphanItem({ orphan }: { orphan: Orphan }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { notify } = useNotifications();
  const [open, setOpen] = useState(false);
  const inspect = useQuery(trpc.worktree.inspect.queryOptions({ id: orphan.id }, { enabled: open, staleTime: 0, retry: false }));
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.worktree.orphans.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
  };
  const reattach = useMutation(
    trpc.worktree.reattach.mutationOptions({
      onSuccess: async (session) => {
        notify({ title: "Worktree reattached", body: `${orphan.path} is the worktree of the new session “${session.title}”.` });
        await refresh();
        router.push(`/sessions/${session.id}`);
      },
    }),
  );
  const remove = useMutation(
    trpc.worktree.remove.mutationOptions({
      onSuccess: async () => {
        notify({ title: "Worktree removed", body: `${orphan.path} was clean and is gone from disk${orphan.branch ? `; the branch ${orphan.branch} was kept` : ""}.` });
        await refresh();
      },
    }),
  );
  const error = reattach.error?.message ?? remove.error?.message ?? null;

  return (
    <li aria-label={orphan.path} className="rounded-md px-2 py-1.5 text-xs hover:bg-zinc-200 dark:hover:bg-zinc-800">
      <p className="truncate font-mono" title={orphan.path}>
        {orphan.branch ?? orphan.path}
      </p>
      <p className="truncate text-zinc-700 dark:text-zinc-300" title={orphan.path}>
        {orphan.path}
      </p>
      <div className="mt-1 flex gap-1">
        <Button variant="ghost" className="min-h-7 px-2 py-0.5 text-xs" onClick={() => setOpen(true)}>
          Open
        </Button>
        <Button variant="ghost" className="min-h-7 px-2 py-0.5 text-xs" disabled={reattach.isPending} onClick={() => reattach.mutate({ id: orphan.id })}>
          Reattach
        </Button>
        <Button variant="ghost" className="min-h-7 px-2 py-0.5 text-xs" disabled={remove.isPending} onClick={() => remove.mutate({ id: orphan.id })}>
          Remove
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-1 text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <DialogFrame open={open} onOpenChange={setOpen} title="Orphaned worktree" description="Read-only: what this worktree holds now.">
        {inspect.isPending ? <p className="text-sm">Checking…</p> : null}
        {inspect.error ? <p role="alert">{inspect.error.message}</p> : null}
        {inspect.data?.report ? <RiskReportView report={inspect.data.report} /> : null}
        {inspect.data?.report ? (
          <p className="mt-2 text-sm">Status: {RISK_STATUS_WORDS[inspect.data.report.status]}</p>
        ) : null}
        <div className="mt-4 flex justify-end">
          <Dialog.Close asChild>
            <Button>Close</Button>
          </Dialog.Close>
        </div>
      </DialogFrame>
    </li>
  );
}
