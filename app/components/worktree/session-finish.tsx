"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/trpc/client";
import { useNotifications } from "../ui/notifications";
import { useRefreshWhenIdle } from "../changes/use-refresh-when-idle";
import { useDeleteSessionFlow } from "./delete-session-flow";
import { FinishPanel } from "./finish-panel";
import { usePullRequestLink } from "./use-pull-request-link";

type SessionData = { title: string; worktree: { path: string; branch: string | null } | null };

/**
 * The Finish panel of a session with a worktree, wired: Commit opens the commit panel, Push and
 * Refresh (fetch) answer a fresh report shown at once, Open pull request opens the host's page in
 * a new tab, Delete session goes through the same confirmation and gate as the sidebar's.
 */
export function SessionFinish({ sessionId, session }: { sessionId: string; session: SessionData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { notify } = useNotifications();
  const riskKey = trpc.worktree.risk.queryKey({ sessionId });
  const risk = useQuery(trpc.worktree.risk.queryOptions({ sessionId }, { retry: false, refetchOnWindowFocus: true }));
  // An agent that ends may have committed or changed files: where the branch stands is read again.
  useRefreshWhenIdle(sessionId, () => void risk.refetch());
  const arenas = useQuery(trpc.arena.list.queryOptions({ sessionId }, { retry: false }));
  const deletion = useDeleteSessionFlow({ selectedId: sessionId });
  const push = useMutation(
    trpc.worktree.push.mutationOptions({
      onSuccess: (pushed) => {
        queryClient.setQueryData(riskKey, pushed.report);
        notify({ title: pushed.upToDate ? "Already pushed" : `Pushed ${pushed.branch}`, body: `origin has ${pushed.upstream ?? pushed.branch} as this branch's upstream now.` });
      },
    }),
  );
  const fetch = useMutation(
    trpc.worktree.fetch.mutationOptions({
      onSuccess: (fetched) => {
        if (fetched.report) queryClient.setQueryData(riskKey, fetched.report);
        else void risk.refetch();
      },
    }),
  );
  const pullRequest = usePullRequestLink(sessionId, risk.data ?? null);
  if (!session.worktree) return null;
  const entries = (arenas.data ?? []).flatMap((a) => a.entries);

  return (
    <>
      <FinishPanel
        report={risk.data ?? null}
        checking={risk.isFetching}
        actions={{
          busy: push.isPending ? "push" : fetch.isPending ? "refresh" : null,
          error: push.error?.message ?? fetch.error?.message ?? risk.error?.message ?? null,
          pullRequest,
          onCommit: () => router.push(`/sessions/${sessionId}?commit=1`),
          onPush: () => push.mutate({ sessionId }),
          onRefresh: () => fetch.mutate({ sessionId }),
          onDelete: () =>
            deletion.requestDelete({
              id: sessionId,
              title: session.title,
              worktree: session.worktree,
              entryCount: entries.length,
              entryWorktrees: entries.flatMap((e) => (e.worktreePath ? [{ sessionId: e.sessionId, path: e.worktreePath }] : [])),
            }),
        }}
      />
      {deletion.dialog}
    </>
  );
}
