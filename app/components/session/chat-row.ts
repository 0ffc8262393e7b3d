/** A tab as the session view gets it from `chat.list`. */
export type ChatRow = {
  id: string;
  title: string;
  startedBy: { taskId: string; chatId: string | null; chatTitle: string | null } | null;
};

/** "Started by the agent in “Tab 1”" for a tab an agent opened (new_task), else null. */
export function startedByLabel(chat: ChatRow): string | null {
  if (!chat.startedBy) return null;
  return `Started by the agent in ${chat.startedBy.chatTitle ? `“${chat.startedBy.chatTitle}”` : "a closed tab"}`;
}
