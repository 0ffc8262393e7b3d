import type { ChatEvent, StoredMessage, TaskView } from "@/server/schemas/chat-event";

/** What a tab holds: its messages, its tasks by id, and whether it must reload (events were missed). */
export type ChatView = { messages: StoredMessage[]; tasks: Record<string, TaskView>; needsReload: boolean };

/**
 * Folds one live event into what a tab holds. The browser and the tests use this same function,
 * so "what the user sees" is something a test can check.
 */
export function applyChatEvent(view: ChatView, event: ChatEvent): ChatView {
  switch (event.type) {
    case "reset":
      return { ...view, needsReload: true };
    case "task":
      return { ...view, tasks: { ...view.tasks, [event.task.id]: event.task } };
    case "message": {
      const index = view.messages.findIndex((m) => m.id === event.message.id);
      const messages = [...view.messages];
      if (index >= 0) messages[index] = event.message;
      else messages.push(event.message);
      return { ...view, messages };
    }
    case "delta":
      return applyDelta(view, event);
  }
}

function applyDelta(view: ChatView, event: Extract<ChatEvent, { type: "delta" }>): ChatView {
  const index = view.messages.findIndex((m) => m.id === event.messageId);
  const message = index >= 0 ? view.messages[index] : undefined;
  if (!message) return view;
  const parts = [...message.parts];
  const partIndex = parts.findIndex((p) => p.id === event.partId);
  const existing = partIndex >= 0 ? parts[partIndex] : undefined;
  if (existing && (existing.type === "text" || existing.type === "reasoning" || existing.type === "output")) {
    parts[partIndex] = { ...existing, text: existing.text + event.delta };
  } else if (!existing) {
    parts.push(
      event.kind === "output"
        ? { id: event.partId, type: "output", stream: event.stream ?? "stdout", text: event.delta }
        : { id: event.partId, type: event.kind, text: event.delta },
    );
  }
  const messages = [...view.messages];
  messages[index] = { ...message, parts };
  return { ...view, messages };
}
