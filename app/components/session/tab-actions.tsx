"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/client";
import { useActivity } from "../activity/activity-provider";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { CloseIcon, PencilIcon } from "../ui/icons";
import { useNotifications } from "../ui/notifications";
import { RenameDialog } from "../ui/rename-dialog";
import type { ChatRow } from "./chat-row";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Rename and Close for the selected tab. They sit beside the tab list, not in it: a tab list
 * holds only tabs. Closing a tab with messages or a running agent asks first.
 */
export function TabActions(props: { chat: ChatRow; sessionId: string; tabs: ChatRow[]; onClosed: (nextSelected: string | null) => void }) {
  const { chat, sessionId } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useNotifications();
  const status = useActivity().chatStatus(chat.id);
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState<{ messages: number } | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId }) });
  const rename = useMutation(trpc.chat.rename.mutationOptions({ onSuccess: invalidate }));
  const close = useMutation(
    trpc.chat.close.mutationOptions({
      onSuccess: async () => {
        const messages = queryClient.getQueryData(trpc.chat.messages.queryKey({ chatId: chat.id }))?.length ?? 0;
        setConfirming(null);
        notify({
          title: `Closed “${chat.title}”`,
          body: `${messages > 0 ? `Its ${plural(messages, "message was", "messages were")} deleted` : "It had no messages"}; the session${props.tabs.length > 1 ? ", its other tabs" : ""} and its worktree are unchanged.`,
        });
        const index = props.tabs.findIndex((t) => t.id === chat.id);
        const neighbour = props.tabs[index + 1] ?? props.tabs[index - 1] ?? null;
        await invalidate();
        props.onClosed(neighbour?.id ?? null);
      },
    }),
  );

  async function requestClose() {
    const messages = (await queryClient.ensureQueryData(trpc.chat.messages.queryOptions({ chatId: chat.id }))).length;
    if (messages === 0 && status === null) close.mutate({ id: chat.id });
    else setConfirming({ messages });
  }

  const iconButton = "h-8 w-8 shrink-0 p-0";
  return (
    <>
      <Button variant="ghost" className={iconButton} aria-label={`Rename tab ${chat.title}`} title="Rename tab" onClick={() => setRenaming(true)}>
        <PencilIcon className="h-4 w-4" />
      </Button>
      <Button variant="ghost" className={iconButton} aria-label={`Close tab ${chat.title}`} title="Close tab" disabled={close.isPending} onClick={() => void requestClose()}>
        <CloseIcon className="h-4 w-4" />
      </Button>
      <RenameDialog
        open={renaming}
        onOpenChange={setRenaming}
        title="Rename tab"
        label="Tab title"
        initialValue={chat.title}
        onRename={(title) => rename.mutateAsync({ id: chat.id, title })}
      />
      <ConfirmDialog
        open={confirming !== null}
        title={`Close “${chat.title}”?`}
        confirmLabel="Close tab"
        busyLabel="Closing…"
        busy={close.isPending}
        error={close.error?.message ?? null}
        onConfirm={() => close.mutate({ id: chat.id })}
        onCancel={() => setConfirming(null)}
      >
        <p>{confirming && confirming.messages > 0 ? `Its ${plural(confirming.messages, "message is", "messages are")} deleted with it. This cannot be undone.` : "The tab goes, with its agent context."}</p>
        {status !== null ? <p>Its agent is still {status === "queued" ? "waiting to run" : "running"}: it is stopped. What it changed in the worktree so far stays.</p> : null}
        <p>The session, its other tabs and its worktree stay as they are.</p>
      </ConfirmDialog>
    </>
  );
}
