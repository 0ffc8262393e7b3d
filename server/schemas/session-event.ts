/** A tab whose agent is at work: what the running marks on tabs and in the sidebar show. */
export type ActiveChat = { chatId: string; sessionId: string | null; status: "queued" | "running" };

/** What an open window is told: reload the session list, or which tabs are at work now. */
export type SessionEvent = { type: "sessions-changed" } | { type: "activity"; active: ActiveChat[] };
