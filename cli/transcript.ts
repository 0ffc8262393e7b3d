import type { ChatEvent, StoredMessage, StoredPart, ToolStatus } from "../server/schemas/chat-event";

/**
 * What one task's agent said, folded from the chat's live events and stored messages, and
 * printed once: a terminal cannot take text back, so everything printed must be a prefix of
 * the final answer.
 *
 * Live events are exact from the point we joined: a `message` event carries the run's text as
 * it stands, and the deltas after it extend that. Stored messages lag behind (streamed text is
 * written every so often), so a part read from the database is "unsynced": deltas for it are
 * ignored (they may not start where the stored text ends) until a `message` event syncs it.
 */

type Part = StoredPart & { synced: boolean };
type Message = { id: string; taskId: string | null; role: string; createdAt: string; parts: Part[]; synced: boolean };

export type Segment = { kind: "text"; id: string; text: string } | { kind: "tool"; id: string; title: string; status: ToolStatus; error?: string };

const TOOL_DONE: ToolStatus[] = ["completed", "error"];

export class TaskTranscript {
  private readonly messages: Message[] = [];

  constructor(private readonly taskId: string) {}

  private find(id: string): Message | undefined {
    return this.messages.find((m) => m.id === id);
  }

  private upsert(message: Message) {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index >= 0) this.messages[index] = message;
    else {
      this.messages.push(message);
      this.messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    }
  }

  /** A live event of the chat; events of other tasks are ignored. */
  apply(event: ChatEvent) {
    if (event.type === "message") {
      if (event.message.taskId !== this.taskId) return;
      this.upsert({ ...event.message, parts: event.message.parts.map((p) => ({ ...p, synced: true })), synced: true });
      return;
    }
    if (event.type !== "delta" || event.kind === "reasoning") return;
    const message = this.find(event.messageId);
    if (!message) return;
    const part = message.parts.find((p) => p.id === event.partId);
    if (part) {
      if (part.synced && (part.type === "text" || part.type === "output")) part.text += event.delta;
      return;
    }
    // A part born after the message event we hold: we have seen every delta of it.
    if (!message.synced) return;
    message.parts.push(
      event.kind === "output"
        ? { id: event.partId, type: "output", stream: event.stream ?? "stdout", text: event.delta, synced: true }
        : { id: event.partId, type: "text", text: event.delta, synced: true },
    );
  }

  /**
   * Messages read from the database (`chat.messages`). While the task runs, a live part that is
   * ahead of the stored one is kept; `final` (the task has ended and everything is written) takes
   * the stored messages as they are.
   */
  load(stored: StoredMessage[], final = false) {
    for (const message of stored) {
      if (message.taskId !== this.taskId) continue;
      const ours = this.find(message.id);
      const parts: Part[] = message.parts.map((part) => {
        const live = ours?.parts.find((p) => p.id === part.id);
        if (!final && live?.synced && live.type === part.type) {
          if ("text" in live && "text" in part && live.text.startsWith(part.text)) return live;
          if (live.type === "tool" && part.type === "tool" && !TOOL_DONE.includes(part.status)) return live;
        }
        return { ...part, synced: false };
      });
      if (!final && ours) {
        for (const live of ours.parts) if (live.synced && !parts.some((p) => p.id === live.id)) parts.push(live);
      }
      this.upsert({ ...message, parts, synced: !final && (ours?.synced ?? false) });
    }
  }

  /** Some of what we hold came from the database and may lag: live deltas cannot extend it. */
  isBehind(): boolean {
    return this.messages.some((m) => m.role === "assistant" && (!m.synced || m.parts.some((p) => !p.synced)));
  }

  /** The task's answer in order: text (and external agents' output) and tool calls. */
  segments(): Segment[] {
    const segments: Segment[] = [];
    for (const message of this.messages) {
      if (message.role !== "assistant") continue;
      for (const part of message.parts) {
        if (part.type === "text" || part.type === "output") segments.push({ kind: "text", id: part.id, text: part.text });
        else if (part.type === "tool") {
          segments.push({ kind: "tool", id: part.id, title: part.title, status: part.status, ...(part.error ? { error: part.error } : {}) });
        }
      }
    }
    return segments;
  }
}

export type TranscriptOutput = {
  /** The agent's words (standard output). */
  text(chunk: string): void;
  /** A line about the run: a tool call, the status (standard error). */
  line(text: string): void;
};

/**
 * Prints segments as they grow, each piece once. A text segment is open while it is the last
 * one (the agent may still be writing it); a tool call is printed when it has finished.
 */
export class TranscriptPrinter {
  private index = 0;
  private printed = "";
  private wroteText = false;
  private textEndsLine = true;
  private midLine = false;

  constructor(private readonly out: TranscriptOutput) {}

  private writeText(chunk: string) {
    if (!chunk) return;
    this.out.text(chunk);
    this.wroteText = true;
    this.textEndsLine = chunk.endsWith("\n");
    this.midLine = !this.textEndsLine;
  }

  /** A line on standard error starts on a line of its own in a terminal showing both streams. */
  line(text: string) {
    if (this.midLine) this.out.line("");
    this.out.line(text);
    this.midLine = false;
  }

  print(segments: Segment[], final = false) {
    for (;;) {
      const segment = segments[this.index];
      if (!segment) return;
      const isLast = this.index === segments.length - 1;
      if (segment.kind === "text") {
        if (this.printed === "" && segment.text !== "" && this.wroteText && !this.textEndsLine) this.writeText("\n");
        if (segment.text.startsWith(this.printed)) {
          this.writeText(segment.text.slice(this.printed.length));
          this.printed = segment.text;
        }
        if (isLast && !final) return;
      } else {
        const done = TOOL_DONE.includes(segment.status);
        if (!done && !final) return;
        const mark = segment.status === "completed" ? "✓" : segment.status === "error" ? "✗" : "…";
        this.line(`  ${mark} ${segment.title}${segment.error ? `: ${segment.error.split("\n")[0]}` : ""}`);
      }
      this.index += 1;
      this.printed = "";
    }
  }

  /** Ends the agent's text with a newline, so the shell prompt (or the next line) starts clean. */
  finish() {
    if (this.wroteText && !this.textEndsLine) this.writeText("\n");
    this.midLine = false;
  }
}
