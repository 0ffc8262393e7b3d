"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/trpc/client";
import { useNotifications } from "../ui/notifications";
import type { SessionRef } from "./delete-confirmations";
import { blockOf, flowAfterFailure, type SetFlow } from "./delete-flow-state";
import { deleteNotice, type DeleteResult, type StashSummary } from "./delete-outcome";

export type DeleteRequest = ReturnType<typeof useDeleteRequest>;

/**
 * The one place session.delete is called. The server runs the risk check (unless force) and
 * answers a 409 with per-worktree risk reports; that refusal opens the block dialog. Every way
 * out of the dialog (first try, Stop agents, Push, Refresh, Force) goes through here, so a delete
 * always ends the same way: a toast saying where the work is, fresh lists, and off its page.
 */
export function useDeleteRequest(deps: { selectedId: string | null; setFlow: SetFlow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { notify } = useNotifications();
  const del = useMutation(trpc.session.delete.mutationOptions());
  const { setFlow } = deps;

  /** The session is gone: say where its work is, refresh the lists, leave its page. */
  async function deleted(session: SessionRef, result: DeleteResult, stashed: StashSummary | null) {
    setFlow({ step: "idle" });
    notify(deleteNotice({ title: session.title, branch: session.worktree?.branch ?? null, result, stash: stashed }));
    await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.worktree.orphans.queryKey() });
    if (deps.selectedId === session.id) router.push("/");
  }

  /** A refused delete opens (or updates) the block dialog; any other failure is shown where the user is. */
  function refused(session: SessionRef, err: unknown, notice: string | null) {
    const block = blockOf(session, err, notice);
    setFlow((current) => flowAfterFailure(current, session, block, err));
  }

  async function attempt(session: SessionRef, input: { force?: boolean }, notice: string | null) {
    try {
      await deleted(session, await del.mutateAsync({ id: session.id, ...input }), null);
    } catch (err) {
      refused(session, err, notice);
    }
  }

  return { pending: del.isPending, deleted, refused, attempt };
}
