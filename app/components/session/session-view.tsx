"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Tabs } from "radix-ui";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { CloseIcon, PencilIcon } from "../ui/icons";
import { RenameDialog } from "../ui/rename-dialog";
import { ArenaView } from "../arena/arena-view";
import { NewArenaDialog } from "../arena/new-arena-dialog";
import { CommitPanel } from "../worktree/commit-panel";
import { startedByLabel, type ChatRow } from "./chat-row";
import { TabContent } from "./tab-content";

/** The selected session: its worktree, and its tabs (each an independent agent context). */
export function SessionView({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const session = useQuery(trpc.session.get.queryOptions({ id: sessionId }, { retry: false }));
  // Agents open tabs too (new_task, the arena): a light poll shows them without a reload.
  const chats = useQuery(trpc.chat.list.queryOptions({ sessionId }, { retry: false, refetchInterval: 3_000 }));

  const invalidateChats = () => queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId }) });
  const selectTab = (id: string) => router.replace(`${pathname}?tab=${encodeURIComponent(id)}`, { scroll: false });
  const openArena = (id: string) => router.replace(`${pathname}?arena=${encodeURIComponent(id)}`, { scroll: false });
  const [arenaDialogOpen, setArenaDialogOpen] = useState(false);
  const arenas = useQuery(trpc.arena.list.queryOptions({ sessionId }, { retry: false }));

  const createChat = useMutation(
    trpc.chat.create.mutationOptions({
      onSuccess: async (chat) => {
        await invalidateChats();
        selectTab(chat.id);
      },
    }),
  );

  if (session.isError) {
    return (
      <div role="alert" className="m-auto max-w-md p-8 text-center">
        <h1 className="mb-2 text-xl font-semibold">Session not available</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{session.error.message}</p>
      </div>
    );
  }
  if (session.isPending) return <p className="p-6 text-sm text-zinc-500">Loading session…</p>;

  const tabs = chats.data ?? [];
  const requested = searchParams.get("tab");
  const selected = tabs.find((chat) => chat.id === requested)?.id ?? tabs[0]?.id ?? "";
  const worktree = session.data.worktree;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
        <h1 className="truncate text-lg font-semibold">{session.data.title}</h1>
        {worktree ? (
          <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">
            Branch <span className="font-mono" aria-label="Branch">{worktree.branch}</span> · worktree{" "}
            <span className="font-mono" aria-label="Worktree path">{worktree.path}</span>
          </p>
        ) : (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Chat only: no repository attached.</p>
        )}
        {session.data.arena ? (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            An entry of an arena started in{" "}
            <Link className="underline" href={`/sessions/${session.data.arena.originSessionId}?arena=${encodeURIComponent(session.data.arena.id)}`}>
              {session.data.arena.originTitle}
            </Link>
          </p>
        ) : null}
        {worktree ? (
          <div className="mt-1 flex flex-wrap items-center gap-2 text-xs">
            <Button variant="secondary" className="px-2 py-0.5 text-xs" onClick={() => setArenaDialogOpen(true)}>
              New arena
            </Button>
            {(arenas.data ?? []).map((arena, index, all) => (
              <button
                key={arena.id}
                type="button"
                className="rounded px-1 text-indigo-700 underline dark:text-indigo-300"
                onClick={() => openArena(arena.id)}
                title={arena.prompt}
              >
                Arena {all.length - index}
                {arena.winnerChatId ? " ✓" : ""}
              </button>
            ))}
            <NewArenaDialog sessionId={sessionId} open={arenaDialogOpen} onOpenChange={setArenaDialogOpen} onCreated={openArena} />
          </div>
        ) : null}
      </header>

      {worktree && searchParams.get("commit") === "1" ? (
        <CommitPanel sessionId={sessionId} onClose={() => router.replace(selected ? `${pathname}?tab=${encodeURIComponent(selected)}` : pathname)} />
      ) : null}

      {searchParams.get("arena") ? (
        <ArenaView arenaId={searchParams.get("arena") ?? ""} onClose={() => router.replace(pathname, { scroll: false })} />
      ) : (
      <Tabs.Root value={selected} onValueChange={selectTab} className="flex min-h-0 flex-1 flex-col">
        <div className="flex items-center gap-1 border-b border-zinc-200 px-3 pt-2 dark:border-zinc-800">
          <Tabs.List aria-label="Tabs" className="flex min-w-0 flex-1 gap-1 overflow-x-auto">
            {tabs.map((chat) => (
              <TabHandle key={chat.id} chat={chat} sessionId={sessionId} selected={chat.id === selected} onClosed={(next) => next && selectTab(next)} tabs={tabs} />
            ))}
          </Tabs.List>
          <Button
            variant="ghost"
            aria-label="New tab"
            title="New tab"
            disabled={createChat.isPending}
            onClick={() => createChat.mutate({ sessionId })}
            className="mb-1"
          >
            + New tab
          </Button>
        </div>
        {createChat.error ? (
          <p role="alert" className="px-5 py-2 text-sm text-red-700 dark:text-red-300">
            Could not open a tab: {createChat.error.message}
          </p>
        ) : null}
        {tabs.length === 0 && chats.isSuccess ? (
          <p className="m-auto p-8 text-center text-sm text-zinc-600 dark:text-zinc-400">
            No tabs open. Click “New tab” to start a conversation with an agent.
          </p>
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

function TabHandle(props: {
  chat: ChatRow;
  sessionId: string;
  selected: boolean;
  tabs: ChatRow[];
  onClosed: (nextSelected: string | null) => void;
}) {
  const { chat, sessionId } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  // A tab an agent opened (new_task) says which tab's agent started it.
  const startedByText = startedByLabel(chat);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId }) });
  const rename = useMutation(trpc.chat.rename.mutationOptions({ onSuccess: invalidate }));
  const close = useMutation(
    trpc.chat.close.mutationOptions({
      onSuccess: async () => {
        const index = props.tabs.findIndex((t) => t.id === chat.id);
        const neighbour = props.tabs[index + 1] ?? props.tabs[index - 1] ?? null;
        await invalidate();
        if (props.selected) props.onClosed(neighbour?.id ?? null);
      },
    }),
  );

  return (
    <div
      className={`flex items-center rounded-t-md border border-b-0 ${props.selected ? "border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900" : "border-transparent"}`}
    >
      <Tabs.Trigger
        value={chat.id}
        title={startedByText ?? chat.title}
        aria-description={startedByText ?? undefined}
        className="flex max-w-56 items-center gap-1 truncate px-3 py-1.5 text-sm data-[state=active]:font-semibold"
      >
        {chat.startedBy ? (
          <span aria-hidden className="text-xs text-violet-600 dark:text-violet-400">
            ↳
          </span>
        ) : null}
        <span className="truncate">{chat.title}</span>
      </Tabs.Trigger>
      <button
        type="button"
        aria-label={`Rename tab ${chat.title}`}
        title="Rename tab"
        onClick={() => setRenaming(true)}
        className="rounded px-1 text-xs text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800"
      >
        <PencilIcon className="h-3 w-3" />
      </button>
      <button
        type="button"
        aria-label={`Close tab ${chat.title}`}
        title="Close tab"
        disabled={close.isPending}
        onClick={() => close.mutate({ id: chat.id })}
        className="mr-1 rounded px-1 text-xs text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800"
      >
        <CloseIcon className="h-3 w-3" />
      </button>
      <RenameDialog
        open={renaming}
        onOpenChange={setRenaming}
        title="Rename tab"
        label="Tab title"
        initialValue={chat.title}
        onRename={(title) => rename.mutateAsync({ id: chat.id, title })}
      />
    </div>
  );
}
