import type { Message, Part } from "@opencode-ai/sdk/v2";
import type { StoredPart } from "../../schemas/chat-event";
import { isCompletePart, toStoredPart } from "../opencode/stored-parts";
import { belongsToRun, noteError } from "./completion";
import { messageEvent, withMessage, type RunEffect, type RunEvent, type RunMessage, type RunState } from "./run-state";

/**
 * Merging what opencode has stored (`session.messages`) into what the stream gave us, after a
 * reconnect or a silence, with the events that arrived while the read was under way. Pure: the
 * tracker reads, this decides (resync-merge.test.ts).
 */

/** How many of the leading `deltas` a resynchronised `text` already holds: the longest run of them it ends with. */
export function deltasAlreadyIn(text: string, deltas: string[]): number {
  for (let k = deltas.length; k > 0; k--) {
    const joined = deltas.slice(0, k).join("");
    if (joined.length > 0 && text.endsWith(joined)) return k;
  }
  return 0;
}

export type StoredEntry = { info: Message; parts: Part[] };

export type Merged = {
  state: RunState;
  effects: RunEffect[];
  /** The held events still to apply, in order: deltas the stored text already holds are left out. */
  replay: RunEvent[];
};

type PartMerge = { part: StoredPart; skip: number; freeze: boolean | null };

/** One stored part against ours: the longer true text wins, and what the held deltas already added is counted. */
function mergePart(raw: Part, stored: StoredPart, ours: StoredPart | undefined, deltas: string[], afterGap: boolean): PartMerge {
  const isText = stored.type === "text" || stored.type === "reasoning";
  const complete = isCompletePart(raw);
  const caught = (): PartMerge => ({ part: stored, skip: isText ? deltasAlreadyIn("text" in stored ? stored.text : "", deltas) : 0, freeze: isText ? false : null });
  if (!isText || !("text" in stored)) return caught();
  if (ours && "text" in ours) {
    if (complete || stored.text.startsWith(ours.text)) return caught();
    // opencode has not stored the streaming text yet: ours is ahead.
    if (ours.text.startsWith(stored.text)) return afterGap ? { part: ours, skip: deltas.length, freeze: true } : { part: ours, skip: 0, freeze: null };
    return { part: stored, skip: deltasAlreadyIn(stored.text, deltas), freeze: null };
  }
  if (afterGap && !complete) return { part: stored, skip: deltas.length, freeze: true };
  return { part: stored, skip: deltasAlreadyIn(stored.text, deltas), freeze: null };
}

/** The text deltas held back per part, in order. */
function heldDeltasOf(held: RunEvent[]): Map<string, string[]> {
  const byPart = new Map<string, string[]>();
  for (const event of held) {
    if (event.type !== "message.part.delta" || event.properties.field !== "text") continue;
    const { partID, delta } = event.properties;
    byPart.set(partID, [...(byPart.get(partID) ?? []), delta]);
  }
  return byPart;
}

/** `afterGap`: the stream was down, so deltas may have been missed. */
export function mergeResync(state: RunState, stored: StoredEntry[], held: RunEvent[], afterGap: boolean): Merged {
  const heldDeltas = heldDeltasOf(held);
  const skip = new Map<string, number>();
  const frozen = new Set(state.frozen);
  const effects: RunEffect[] = [];
  let next = state;
  for (const { info, parts } of stored) {
    if (info.role !== "assistant" || !belongsToRun(next, info.time.created)) continue;
    const known = next.messages.get(info.id);
    const merged: StoredPart[] = [];
    for (const raw of parts) {
      const part = toStoredPart(raw);
      if (!part) continue;
      const result = mergePart(raw, part, known?.parts.find((p) => p.id === part.id), heldDeltas.get(part.id) ?? [], afterGap);
      merged.push(result.part);
      skip.set(part.id, result.skip);
      if (result.freeze === true) frozen.add(part.id);
      if (result.freeze === false) frozen.delete(part.id);
    }
    const message: RunMessage = {
      id: info.id,
      createdAt: known?.createdAt ?? info.time.created,
      parts: merged,
      completed: info.time.completed !== undefined,
      finish: info.finish ?? null,
    };
    next = withMessage(next, message);
    if (info.error) next = noteError(next, info.error);
    effects.push({ type: "publish", event: messageEvent(next, message) }, { type: "save", messageId: message.id, soon: false });
  }
  const replay = held.filter((event) => {
    if (event.type !== "message.part.delta") return true;
    const left = skip.get(event.properties.partID) ?? 0;
    if (left === 0) return true;
    skip.set(event.properties.partID, left - 1);
    return false;
  });
  return { state: { ...next, frozen }, effects, replay };
}
