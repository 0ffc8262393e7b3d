"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Tabs } from "radix-ui";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "@/trpc/client";
import { ArenaView } from "../arena/arena-view";
import { ChangesView } from "../changes/changes-view";
import { focusNextMessageBox } from "../chat/message-focus";
import { CommitPanel } from "../worktree/commit-panel";
import { SessionFinish } from "../worktree/session-finish";
import { SessionHeader } from "./session-header";
import { TabContent } from "./tab-content";
import { TabStrip } from "./tab-strip";

/** The selected session: its worktree, and its tabs (each an independent agent context) or its changes. */
export function SessionView({ sessionId, view = "tabs" }: { sessionId: string; view?: "tabs" | "changes" }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const session = useQuery(trpc.session.get.queryOptions({ id: sessionId }, { retry: false }));
  // Agents open tabs too (new_task, the arena): a light poll shows them without a reload.
  const chats = useQuery(trpc.chat.list.queryOptions({ sessionId }, { retry: false, refetchInterval: 3_000 }));

  const tabsPath = `/sessions/${sessionId}`;
  const selectTab = (id: string) => router.replace(`${tabsPath}?tab=${encodeURIComponent(id)}`, { scroll: false });
  const openArena = (id: string) => router.push(`${tabsPath}?arena=${encodeURIComponent(id)}`, { scroll: false });

  const createChat = useMutation(
    trpc.chat.create.mutationOptions({
      onSuccess: async (chat) => {
        await queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId }) });
        focusNextMessageBox();
        selectTab(chat.id);
      },
    }),
  );

  if (session.isError) {
    return (
      <div role="alert" className="m-auto max-w-md p-8 text-center">
        <h1 className="mb-2 text-xl font-semibold">Session not available</h1>
        <p className="text-zinc-700 dark:text-zinc-300">{session.error.message}</p>
      </div>
    );
  }
  if (session.isPending) return <p className="p-6 text-sm text-zinc-700 dark:text-zinc-300">Loading session…</p>;

  const tabs = chats.data ?? [];
  const requested = searchParams.get("tab");
  const selected = tabs.find((chat) => chat.id === requested)?.id ?? tabs[0]?.id ?? "";
  const arenaId = searchParams.get("arena");

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <SessionHeader sessionId={sessionId} session={session.data} view={view} onOpenArena={openArena} />
      {session.data.worktree ? <SessionFinish sessionId={sessionId} session={session.data} /> : null}

      {session.data.worktree && searchParams.get("commit") === "1" ? (
        <CommitPanel sessionId={sessionId} onClose={() => router.replace(selected ? `${pathname}?tab=${encodeURIComponent(selected)}` : pathname)} />
      ) : null}

      {view === "changes" ? (
        session.data.worktree ? (
          <ChangesView sessionId={sessionId} />
        ) : (
          <p className="m-auto p-8 text-sm text-zinc-700 dark:text-zinc-300">This session has no worktree, so it has no changes to show.</p>
        )
      ) : arenaId ? (
        <ArenaView arenaId={arenaId} onClose={() => router.replace(pathname, { scroll: false })} />
      ) : (
        <Tabs.Root value={selected} onValueChange={selectTab} className="flex min-h-0 flex-1 flex-col">
          <TabStrip
            tabs={tabs}
            selected={selected}
            sessionId={sessionId}
            creating={createChat.isPending}
            onNewTab={() => createChat.mutate({ sessionId })}
            onSelect={selectTab}
          />
          {createChat.error ? (
            <p role="alert" className="px-5 py-2 text-sm text-red-700 dark:text-red-300">
              Could not open a tab: {createChat.error.message}
            </p>
          ) : null}
          {tabs.length === 0 && chats.isSuccess ? (
            <p className="m-auto p-8 text-center text-sm text-zinc-700 dark:text-zinc-300">No tabs open. Click “New tab” to start a conversation with an agent.</p>
          ) : null}
          {tabs.map((chat) => (
            <Tabs.Content key={chat.id} value={chat.id} className="flex min-h-0 flex-1 flex-col">
              <TabContent chat={chat} onOpenTab={selectTab} />
            </Tabs.Content>
          ))}
        </Tabs.Root>
      )}
    </div>
  );
}
