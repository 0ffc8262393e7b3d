import { sdkErrorText } from "../../lib/sdk-error";
import type { RunMessage, RunState } from "./run-state";

/**
 * The rules that say when and how a run ends (docs/AGENTS.md, "Message path"): on opencode's idle,
 * or when its last assistant message has completed and nothing more happens; `failed` with the
 * error in words, `cancelled` with the stop's reason, else `succeeded`.
 */

/** Messages of earlier runs in the same session are history, not this run's. */
export function belongsToRun(state: RunState, created: number | undefined): boolean {
  return created === undefined || created >= state.startedAt - 1_000;
}

function lastMessage(state: RunState): RunMessage | undefined {
  let last: RunMessage | undefined;
  for (const message of state.messages.values()) {
    if (!last || message.createdAt >= last.createdAt) last = message;
  }
  return last;
}

/** The last assistant message is complete and asks for no tool: the answer is there. */
export function looksComplete(state: RunState): boolean {
  const last = lastMessage(state);
  return !!last && last.completed && last.finish !== "tool-calls";
}

function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "name" in error && error.name === "MessageAbortedError";
}

/** A run's error as opencode reported it: an abort ends it (cancelled); anything else fails it (the first one wins). */
export function noteError(state: RunState, error: unknown): RunState {
  if (isAbortError(error)) return state.error ? state : { ...state, aborted: true };
  return state.error ? state : { ...state, error: sdkErrorText(error) ?? "The agent reported an error without a message" };
}

/** The model failed more often than allowed: the run fails with its message. */
export function retriesExhausted(state: RunState, modelRetries: number, message: string | undefined): RunState {
  const tries = modelRetries + 1;
  return state.error ? state : { ...state, error: `The model call failed ${tries} time${tries === 1 ? "" : "s"}: ${message ?? "no reason given"}` };
}

export type RunEnd = { status: "succeeded" | "failed" | "cancelled"; error: string | null };

/** How a run that opencode saw through ends. */
export function endOf(state: RunState): RunEnd {
  if (state.error) return { status: "failed", error: state.error };
  if (state.aborted) return { status: "cancelled", error: state.abortReason ?? "Stopped" };
  return { status: "succeeded", error: null };
}

/**
 * After a resync: an idle session whose answer is there (or that was stopped, or failed) is over; an
 * idle one that never answered within `silenceMs` failed; anything else goes on.
 */
export function endAfterResync(state: RunState, idle: boolean, now: number, silenceMs: number): RunEnd | null {
  if (!idle) return null;
  if (looksComplete(state) || state.aborted || state.error) return endOf(state);
  if (state.messages.size === 0 && now - state.startedAt > silenceMs) return { status: "failed", error: "opencode went idle without answering" };
  return null;
}
