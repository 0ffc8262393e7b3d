import type { EventMessagePartDelta, EventMessagePartUpdated, EventMessageUpdated, EventSessionError, EventSessionIdle, EventSessionStatus } from "@opencode-ai/sdk/v2";
import type { ChatEvent, StoredPart } from "../../schemas/chat-event";

/**
 * What BooChat knows of one opencode run (a task prompting one opencode session), as plain data:
 * the reducer (run-reducer.ts), the resync merge (resync-merge.ts) and the completion rules
 * (completion.ts) are pure functions over it; run-tracker.ts does the I/O they ask for.
 */

/** An assistant message of the run, keyed by opencode's message id. */
export type RunMessage = {
  id: string;
  createdAt: number;
  parts: StoredPart[];
  completed: boolean;
  /** opencode's finish reason ("stop", "tool-calls", …). */
  finish: string | null;
};

export type RunState = {
  readonly taskId: string;
  readonly chatId: string;
  readonly startedAt: number;
  /** In the order opencode first told of them. */
  messages: ReadonlyMap<string, RunMessage>;
  error: string | null;
  aborted: boolean;
  /** Why it was stopped ("Stopped", "Stopped: its tab was closed", …), kept as the task's error. */
  abortReason: string | null;
  /**
   * Text parts that missed deltas while the stream was down: opencode stores a text part's text
   * only when it is complete, so the gap cannot be filled yet. They show what they had (a prefix of
   * the answer, never a wrong text) until the complete part arrives.
   */
  frozen: ReadonlySet<string>;
  /** opencode has shown this run working (busy, or a message): an idle before that is a stale one. */
  active: boolean;
};

/** The events of opencode's union that concern a run. */
export type RunEvent = EventMessageUpdated | EventMessagePartUpdated | EventMessagePartDelta | EventSessionStatus | EventSessionIdle | EventSessionError;

/** What an event asks the shell to do. */
export type RunEffect =
  /** Tell the chat's subscribers. */
  | { type: "publish"; event: ChatEvent }
  /** Write this message's row; `soon`: streamed text, batched with the next deltas. */
  | { type: "save"; messageId: string; soon: boolean }
  /** opencode says the run is over: end the task. */
  | { type: "finish" }
  /** The run cannot go on (the model failed too often): ask opencode to stop it. */
  | { type: "abortSession" }
  /** A message completed: end the run if nothing else happens for a moment. */
  | { type: "checkCompletion" };

export function newRunState(run: { taskId: string; chatId: string; startedAt: number }): RunState {
  return { ...run, messages: new Map(), error: null, aborted: false, abortReason: null, frozen: new Set(), active: false };
}

/** The message as the chat shows it. */
export function messageEvent(state: RunState, message: RunMessage): ChatEvent {
  return {
    type: "message",
    message: {
      id: message.id,
      chatId: state.chatId,
      taskId: state.taskId,
      role: "assistant",
      parts: message.parts.map((part) => ({ ...part })),
      createdAt: new Date(message.createdAt).toISOString(),
    },
  };
}

/** `state` with `message` put under its id (a new message goes last). */
export function withMessage(state: RunState, message: RunMessage): RunState {
  const messages = new Map(state.messages);
  messages.set(message.id, message);
  return { ...state, messages };
}
