"use client";

import { ChatPanel } from "../chat/chat-panel";

/** What a tab shows: its chat with the agent (its own agent context). */
export function TabContent({ chatId }: { chatId: string }) {
  return <ChatPanel chatId={chatId} />;
}
