import type { ChatEvent } from "../../server/schemas/chat-event";
import { EXIT } from "../args";
import type { BoochatClient, RouterOutputs } from "../client";
import type { CliIO } from "../io";
import { TaskTranscript, TranscriptPrinter, type Segment } from "../transcript";

export type TaskDetails = RouterOutputs["task"]["get"];
/** A live event that adds to the reply (`task` events only say whether the task has ended). */
export type ReplyEvent = Exclude<ChatEvent, { type: "task" }>;

export const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export function exitCodeOf(status: string): number {
  if (status === "succeeded") return EXIT.ok;
  if (status === "cancelled") return EXIT.cancelled;
  return EXIT.failed;
}

function statusLine(task: Pick<TaskDetails, "id" | "status" | "error">): string {
  if (task.status === "succeeded") return `Task ${task.id} succeeded.`;
  if (task.status === "cancelled") return `Task ${task.id} was cancelled.`;
  return `Task ${task.id} failed${task.error ? `: ${task.error}` : "."}`;
}

// A task without a chat (none should exist) still has its text in `output`.
function outputSegments(output: string | null): Segment[] {
  return output ? [{ kind: "text", id: "output", text: output }] : [];
}

/**
 * A watched task's reply as the terminal shows it: the agent's words on standard output, lines
 * about the run on standard error. One transcript and one printer serve the live stream, the
 * polls and the final print, so each piece of text is printed once whichever source brought it.
 */
export class TaskReply {
  private readonly transcript: TaskTranscript;
  private readonly printer: TranscriptPrinter;

  constructor(
    private readonly client: BoochatClient,
    taskId: string,
    readonly chatId: string | null,
    io: CliIO,
  ) {
    this.transcript = new TaskTranscript(taskId);
    this.printer = new TranscriptPrinter({ text: (chunk) => io.stdout.write(chunk), line: (text) => io.stderr.write(`${text}\n`) });
  }

  /** Holding stored text the live deltas cannot extend: only the stored messages can. */
  isBehind(): boolean {
    return this.transcript.isBehind();
  }

  /** A live event; a `reset` (the server cannot replay what we missed) reads the stored messages. */
  async applyLiveEvent(event: ReplyEvent) {
    if (event.type === "reset") await this.loadMessages(false);
    else this.transcript.apply(event);
    this.printer.print(this.transcript.segments());
  }

  /** Prints what is stored so far: the polls' way to follow when live events cannot. */
  async printStored(task: TaskDetails) {
    if (this.chatId) {
      await this.loadMessages(false);
      this.printer.print(this.transcript.segments());
    } else this.printer.print(outputSegments(task.output));
  }

  /** The ended task's whole reply (the stored one is complete now) and its status; its exit code. */
  async printFinal(task: TaskDetails): Promise<number> {
    if (this.chatId) {
      await this.loadMessages(true);
      this.printer.print(this.transcript.segments(), true);
    } else {
      this.printer.print(outputSegments(task.output), true);
    }
    this.printer.finish();
    this.printer.line(statusLine(task));
    return exitCodeOf(task.status);
  }

  /** Ends the agent's text with a newline before the watch stops without a final print. */
  finishText() {
    this.printer.finish();
  }

  /** A line about the watch itself (standard error). */
  line(text: string) {
    this.printer.line(text);
  }

  private async loadMessages(final: boolean) {
    if (!this.chatId) return;
    this.transcript.load(await this.client.chat.messages.query({ chatId: this.chatId }), final);
  }
}
