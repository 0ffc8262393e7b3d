import type { AgentRuntime } from "../../agents/runtime";
import type { ChatEventEnvelope } from "../../agents/chat-events";
import { AppError } from "../../errors";
import { LIMITS } from "../../limits";

/**
 * A tab's live events, from `lastEventId` on (a reconnecting browser resumes where it left off;
 * an id too old for the buffer gets a `reset` first). Open streams are capped over all clients.
 */
export function followChat(deps: { agents: AgentRuntime }, chatId: string, lastEventId?: string | null, signal?: AbortSignal): AsyncIterable<ChatEventEnvelope> {
  const { events } = deps.agents;
  if (events.totalSubscribers() >= LIMITS.eventStreams) {
    throw new AppError("TOO_MANY_REQUESTS", `Too many open event streams (${LIMITS.eventStreams}): close some tabs or windows of BooChat`);
  }
  return events.subscribe(chatId, { lastEventId, signal });
}
