"use client";

/** What a tab shows: its chat with the agent. */
export function TabContent({ chatId }: { chatId: string }) {
  return (
    <div className="flex-1 p-5 text-sm text-zinc-600 dark:text-zinc-400" data-chat-id={chatId}>
      This tab is its own agent context.
    </div>
  );
}
