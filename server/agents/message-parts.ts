/**
 * The shapes a chat's messages and live events take, shared by the server and the browser
 * (no Node imports here). `messages.parts` holds a JSON array of `StoredPart`.
 */

export type ToolStatus = "pending" | "running" | "completed" | "error";

export type StoredPart =
  | { id: string; type: "text"; text: string }
  | { id: string; type: "reasoning"; text: string }
  | {
      id: string;
      type: "tool";
      tool: string;
      status: ToolStatus;
      /** One line for the tab: the file written, the command run. */
      title: string;
      filePath?: string;
      command?: string;
      output?: string;
      error?: string;
    }
  /** Output of an external agent, as it streamed. */
  | { id: string; type: "output"; stream: "stdout" | "stderr"; text: string }
  /** Why the task failed, in words. */
  | { id: string; type: "error"; text: string };

export type MessageRole = "user" | "assistant";

export type StoredMessage = {
  id: string;
  chatId: string;
  taskId: string | null;
  role: MessageRole;
  parts: StoredPart[];
  createdAt: string;
};

export type TaskStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export type TaskView = {
  id: string;
  chatId: string | null;
  agent: string;
  creator: string;
  status: TaskStatus;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ChatEvent =
  /** A message as it stands now: replace what you hold under its id. */
  | { type: "message"; message: StoredMessage }
  /** Text appended to a part of a message (streaming). */
  | { type: "delta"; messageId: string; partId: string; kind: "text" | "reasoning" | "output"; delta: string; stream?: "stdout" | "stderr" }
  | { type: "task"; task: TaskView }
  /** Events were missed: reload `chat.messages` and go on from here. */
  | { type: "reset" };

const MAX_OUTPUT = 4_000;

function clip(text: string, max = MAX_OUTPUT): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function stringField(input: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = input?.[key];
  return typeof value === "string" ? value : undefined;
}

/** The part of an opencode message part worth keeping, or null for bookkeeping parts (steps, snapshots). */
export function toStoredPart(part: { id: string; type: string } & Record<string, unknown>): StoredPart | null {
  if (part.type === "text") {
    if (part.synthetic === true || part.ignored === true) return null;
    return { id: part.id, type: "text", text: typeof part.text === "string" ? part.text : "" };
  }
  if (part.type === "reasoning") {
    return { id: part.id, type: "reasoning", text: typeof part.text === "string" ? part.text : "" };
  }
  if (part.type === "tool") {
    const state = (part.state ?? {}) as { status?: string; input?: Record<string, unknown>; output?: unknown; error?: unknown; title?: unknown };
    const tool = typeof part.tool === "string" ? part.tool : "tool";
    const status: ToolStatus =
      state.status === "running" || state.status === "completed" || state.status === "error" ? state.status : "pending";
    const filePath = stringField(state.input, "filePath") ?? stringField(state.input, "path");
    const command = stringField(state.input, "command");
    const title =
      tool === "bash" && command
        ? `ran ${command}`
        : (tool === "write" || tool === "edit") && filePath
          ? `${tool === "write" ? "wrote" : "edited"} ${filePath}`
          : typeof state.title === "string" && state.title
            ? `${tool}: ${state.title}`
            : tool;
    return {
      id: part.id,
      type: "tool",
      tool,
      status,
      title,
      ...(filePath ? { filePath } : {}),
      ...(command ? { command } : {}),
      ...(typeof state.output === "string" ? { output: clip(state.output) } : {}),
      ...(typeof state.error === "string" ? { error: clip(state.error) } : {}),
    };
  }
  return null;
}

export function parseParts(json: string): StoredPart[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as StoredPart[]) : [];
  } catch {
    return [];
  }
}

/** The text a message shows (its text parts, in order). */
export function messageText(message: Pick<StoredMessage, "parts">): string {
  return message.parts
    .filter((part): part is Extract<StoredPart, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("");
}

export type ChatView = { messages: StoredMessage[]; tasks: Record<string, TaskView>; needsReload: boolean };

/**
 * Folds one live event into what a tab holds. The browser and the tests use this same
 * function, so "what the user sees" is something a test can check.
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
    case "delta": {
      const index = view.messages.findIndex((m) => m.id === event.messageId);
      if (index < 0) return view;
      const message = view.messages[index];
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
  }
}
