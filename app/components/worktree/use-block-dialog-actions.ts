"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { RiskReport } from "@/server/schemas/risk-report";
import { useTRPC } from "@/trpc/client";
import { useNotifications } from "../ui/notifications";
import { flowAfterBlockFailure, keptPaths, messageOf, type BlockedFlow, type SetFlow } from "./delete-flow-state";
import { useCommitsOnlyExits } from "./use-commits-only-exits";
import type { DeleteRequest } from "./use-delete-request";

export type BlockDialogActions = ReturnType<typeof useBlockDialogActions>;
export type ForceQuestion = ReturnType<typeof forceQuestion>;

/** Every uncommitted change the reports name: the toast after a stash says how many went into it. */
const changesOf = (reports: RiskReport[]) => reports.reduce((sum, r) => sum + r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted, 0);

/**
 * Stash as one server step (session.stashAndDelete): every dirty worktree of the session is
 * stashed, then the gate runs; when commits still block, the dialog stays with the fresh reports
 * and the server's words on what was stashed. Nothing is dropped: the work waits in git's stash.
 */
function useStashThenDelete(deps: { blocked: BlockedFlow | null; request: DeleteRequest }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useNotifications();
  const stashAndDelete = useMutation(trpc.session.stashAndDelete.mutationOptions());
  const { blocked, request } = deps;

  async function onStash() {
    if (!blocked) return;
    const { session, block } = blocked;
    const changes = changesOf(block.reports);
    const repoPath = (await queryClient.fetchQuery(trpc.session.get.queryOptions({ id: session.id })).catch(() => null))?.worktree?.repoPath ?? null;
    try {
      const result = await stashAndDelete.mutateAsync({ id: session.id });
      await request.deleted(session, result, { changes, entries: result.stashed.length, repoPath });
    } catch (err) {
      const words = messageOf(err);
      request.refused(session, err, words);
      if (words.startsWith("Stashed")) notify({ title: "Changes stashed, nothing deleted yet", body: `${words.split("; the session was not deleted")[0]}${repoPath ? ` (in the stash of ${repoPath})` : ""}.` });
    }
  }

  return { busy: stashAndDelete.isPending, onStash };
}

/**
 * The block dialog's ways to deal with what blocks, short of Force: Commit (in the session's own
 * commit panel, where the user writes the message), Stash, Stop agents (then the delete is tried
 * again), and Push / Refresh when only commits block. Each either deletes through the gate or
 * leaves the dialog open saying what still blocks or what failed.
 */
export function useBlockDialogActions(deps: { blocked: BlockedFlow | null; setFlow: SetFlow; request: DeleteRequest }) {
  const trpc = useTRPC();
  const router = useRouter();
  const stopAgents = useMutation(trpc.session.stopAgents.mutationOptions());
  const { blocked, setFlow, request } = deps;
  const stash = useStashThenDelete({ blocked, request });
  const fail = (err: unknown) => setFlow((current) => flowAfterBlockFailure(current, err));

  function onCommit() {
    if (!blocked) return;
    setFlow({ step: "idle" });
    router.push(`/sessions/${blocked.session.id}?commit=1`);
  }

  async function onStopAgents() {
    if (!blocked) return;
    try {
      const { stopped } = await stopAgents.mutateAsync({ id: blocked.session.id });
      // Tried again: the delete may now meet the work the agents left.
      await request.attempt(blocked.session, {}, `${stopped.length === 1 ? "1 agent stopped" : `${stopped.length} agents stopped`}.`);
    } catch (err) {
      fail(err);
    }
  }

  const exits = useCommitsOnlyExits({
    blocked: blocked ? { sessionId: blocked.session.id, ownPath: blocked.session.worktree?.path ?? null, reports: blocked.block.reports } : null,
    retry: (notice) => (blocked ? request.attempt(blocked.session, {}, notice) : Promise.resolve()),
    update: (reports, notice) => blocked && setFlow({ ...blocked, block: { ...blocked.block, reports, notice }, error: null }),
    fail,
  });

  return { busy: stash.busy || stopAgents.isPending, onCommit, onStash: stash.onStash, onStopAgents, exits };
}

/**
 * Force, asked once more, then the delete without the check: the way out both when work is at
 * risk and when the check could not run (fail-closed: the block dialog then offers only Cancel and
 * Force). The server keeps every worktree on disk as an orphan, so even Force destroys no work.
 */
export function forceQuestion(blocked: BlockedFlow | null, setFlow: SetFlow, request: DeleteRequest) {
  return {
    open: blocked?.askingForce ?? false,
    /** The worktrees the question says stay on disk. */
    paths: blocked ? keptPaths(blocked.block, blocked.session) : [],
    ask: () => blocked && setFlow({ ...blocked, askingForce: true, error: null }),
    confirm: () => blocked && void request.attempt(blocked.session, { force: true }, null),
    cancel: () => blocked && setFlow({ ...blocked, askingForce: false }),
  };
}
