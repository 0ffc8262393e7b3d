"use client";

import { ChatPanel } from "../chat/chat-panel";
import { startedByLabel, type ChatRow } from "./chat-row";

/** What a tab shows: who opened it when an agent did, and its chat with the agent. */
export function TabContent({ chat, onOpenTab }: { chat: ChatRow; onOpenTab: (chatId: string) => void }) {
  const startedBy = startedByLabel(chat);
  const parentChatId = chat.startedBy?.chatId ?? null;
  return (
    <>
      {startedBy ? (
        <p className="border-b border-zinc-200 px-5 py-1.5 text-xs text-zinc-700 dark:border-zinc-800 dark:text-zinc-300">
          <span>
            {startedBy}
            {parentChatId ? (
              <>
                {" · "}
                <button type="button" className="min-h-6 underline" onClick={() => onOpenTab(parentChatId)}>
                  open that tab
                </button>
              </>
            ) : null}
          </span>
        </p>
      ) : null}
      <ChatPanel chatId={chat.id} />
    </>
  );
}
