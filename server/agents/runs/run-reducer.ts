import type { EventMessagePartDelta, EventMessagePartUpdated, EventMessageUpdated, EventSessionStatus } from "@opencode-ai/sdk/v2";
import { isCompletePart, toStoredPart } from "../opencode/stored-parts";
import { belongsToRun, noteError, retriesExhausted } from "./completion";
import { messageEvent, withMessage, type RunEffect, type RunEvent, type RunState } from "./run-state";

/**
 * The pure heart of a run: one opencode event in, the run's next state and the effects it asks
 * for out (publish to the chat, write a message, end, abort). No I/O, no clock: unit-tested
 * without opencode (run-reducer.test.ts); run-tracker.ts carries the effects out.
 */
export type Reduced = { state: RunState; effects: RunEffect[] };

export type ReducerRules = {
  /** opencode retries a failing model call itself; past this many retries the run fails. */
  modelRetries: number;
};

const nothing = (state: RunState): Reduced => ({ state, effects: [] });

export function reduceRunEvent(state: RunState, event: RunEvent, rules: ReducerRules): Reduced {
  switch (event.type) {
    case "message.updated":
      return onMessageUpdated(state, event);
    case "message.part.updated":
      return onPartUpdated(state, event);
    case "message.part.delta":
      return onDelta(state, event);
    case "session.status":
      return onStatus(state, event, rules);
    case "session.idle":
      return state.active ? { state, effects: [{ type: "finish" }] } : nothing(state);
    case "session.error":
      return nothing(event.properties.error ? noteError(state, event.properties.error) : state);
  }
}

function onMessageUpdated(state: RunState, event: EventMessageUpdated): Reduced {
  const info = event.properties.info;
  if (info.role !== "assistant" || !belongsToRun(state, info.time.created)) return nothing(state);
  const known = state.messages.get(info.id);
  const message = {
    id: info.id,
    createdAt: known?.createdAt ?? info.time.created,
    parts: known?.parts ?? [],
    completed: info.time.completed !== undefined,
    finish: info.finish ?? null,
  };
  let next = withMessage({ ...state, active: true }, message);
  if (info.error) next = noteError(next, info.error);
  const effects: RunEffect[] = known ? [] : [{ type: "publish", event: messageEvent(next, message) }, { type: "save", messageId: message.id, soon: false }];
  if (message.completed) effects.push({ type: "checkCompletion" });
  return { state: next, effects };
}

function onPartUpdated(state: RunState, event: EventMessagePartUpdated): Reduced {
  const part = event.properties.part;
  // A part of the user's own message, or of an earlier run, has no message here.
  const message = state.messages.get(part.messageID);
  const stored = toStoredPart(part);
  if (!message || !stored) return nothing(state);
  const index = message.parts.findIndex((p) => p.id === stored.id);
  const existing = index >= 0 ? message.parts[index] : undefined;
  let frozen = state.frozen;
  if (existing && (existing.type === "text" || existing.type === "reasoning") && stored.type === existing.type) {
    const complete = isCompletePart(part);
    // An update of a streaming part may carry older text than the deltas gave us: keep ours.
    if (!complete && existing.text.length > stored.text.length && existing.text.startsWith(stored.text)) return nothing(state);
    if (complete && frozen.has(stored.id)) frozen = new Set([...frozen].filter((id) => id !== stored.id));
  }
  const parts = index >= 0 ? message.parts.map((p, i) => (i === index ? stored : p)) : [...message.parts, stored];
  const updated = { ...message, parts };
  const next = withMessage({ ...state, frozen }, updated);
  return { state: next, effects: [{ type: "publish", event: messageEvent(next, updated) }, { type: "save", messageId: updated.id, soon: false }] };
}

function onDelta(state: RunState, event: EventMessagePartDelta): Reduced {
  const { messageID, partID, field, delta } = event.properties;
  const message = state.messages.get(messageID);
  if (field !== "text" || !delta || !message || state.frozen.has(partID)) return nothing(state);
  const index = message.parts.findIndex((p) => p.id === partID);
  const part = index >= 0 ? message.parts[index] : { id: partID, type: "text" as const, text: "" };
  if (!part || (part.type !== "text" && part.type !== "reasoning")) return nothing(state);
  const grown = { ...part, text: part.text + delta };
  const parts = index >= 0 ? message.parts.map((p, i) => (i === index ? grown : p)) : [...message.parts, grown];
  const next = withMessage(state, { ...message, parts });
  return {
    state: next,
    effects: [
      // Published before it is written: the browser should not wait for the disk.
      { type: "publish", event: { type: "delta", messageId: messageID, partId: partID, kind: part.type, delta } },
      { type: "save", messageId: messageID, soon: true },
    ],
  };
}

function onStatus(state: RunState, event: EventSessionStatus, rules: ReducerRules): Reduced {
  const status = event.properties.status;
  const next = status.type === "busy" || status.type === "retry" ? { ...state, active: true } : state;
  if (status.type === "retry" && status.attempt > rules.modelRetries) {
    return { state: retriesExhausted(next, rules.modelRetries, status.message), effects: [{ type: "abortSession" }] };
  }
  if (status.type === "idle" && next.active) return { state: next, effects: [{ type: "finish" }] };
  return nothing(next);
}
