"use client";

import { Tabs } from "radix-ui";
import { RunningMark, useActivity } from "../activity/activity-provider";
import { Button } from "../ui/button";
import { startedByLabel, type ChatRow } from "./chat-row";
import { TabActions } from "./tab-actions";

/** The tab list (tabs only), the selected tab's Rename and Close, and New tab; scrolls sideways on its own when long. */
export function TabStrip(props: {
  tabs: ChatRow[];
  selected: string;
  sessionId: string;
  creating: boolean;
  onNewTab: () => void;
  onSelect: (chatId: string) => void;
}) {
  const activity = useActivity();
  const selectedChat = props.tabs.find((t) => t.id === props.selected) ?? null;
  return (
    <div className="flex items-end gap-1 border-b border-zinc-200 px-2 pt-2 md:px-3 dark:border-zinc-800">
      <Tabs.List aria-label="Tabs" className="flex min-w-0 flex-1 gap-1 overflow-x-auto">
        {props.tabs.map((chat) => {
          // A tab an agent opened (new_task) says which tab's agent started it.
          const startedByText = startedByLabel(chat);
          const status = activity.chatStatus(chat.id);
          return (
            <Tabs.Trigger
              key={chat.id}
              value={chat.id}
              title={startedByText ?? chat.title}
              aria-description={startedByText ?? undefined}
              className="flex max-w-56 min-h-9 shrink-0 items-center gap-1.5 rounded-t-md border border-b-0 border-transparent px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-indigo-500 data-[state=active]:border-zinc-300 data-[state=active]:bg-white data-[state=active]:font-semibold dark:data-[state=active]:border-zinc-700 dark:data-[state=active]:bg-zinc-900"
            >
              {chat.startedBy ? (
                <span aria-hidden className="text-xs text-violet-700 dark:text-violet-300">
                  ↳
                </span>
              ) : null}
              <span className="truncate">{chat.title}</span>
              {status ? <RunningMark status={status} /> : null}
            </Tabs.Trigger>
          );
        })}
      </Tabs.List>
      <div className="mb-0.5 flex shrink-0 items-center">
        {selectedChat ? (
          <TabActions key={selectedChat.id} chat={selectedChat} sessionId={props.sessionId} tabs={props.tabs} onClosed={(next) => next && props.onSelect(next)} />
        ) : null}
        <Button variant="ghost" title="New tab" disabled={props.creating} onClick={props.onNewTab} className="min-h-8 px-2 whitespace-nowrap">
          + New tab
        </Button>
      </div>
    </div>
  );
}
