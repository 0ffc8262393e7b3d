"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import type { ChatEvent } from "@/server/schemas/chat-event";
import { useTRPC } from "@/trpc/client";

type Listener = (event: ChatEvent) => void;
type Hub = { follows(chatId: string): boolean; listen(chatId: string, listener: Listener): () => void; error: string | null };

const HubContext = createContext<Hub | null>(null);

/** The hub following this chat, when one does (the arena view's): the chat then opens no stream of its own. */
export function useChatStreamHub(chatId: string): Hub | null {
  const hub = useContext(HubContext);
  return hub?.follows(chatId) ? hub : null;
}

/**
 * One event stream (`chat.eventsOf`) for several chats shown together, handed to each chat's
 * panel: a window holds at most 6 connections per host over HTTP/1.1, and an arena of six tabs
 * with a stream each (plus the session events) stalled.
 */
export function ChatStreamHub({ chatIds, children }: { chatIds: string[]; children: ReactNode }) {
  const trpc = useTRPC();
  const listeners = useRef(new Map<string, Set<Listener>>());
  const key = [...new Set(chatIds)].sort().join(",");
  const ids = useMemo(() => (key ? key.split(",") : []), [key]);
  const subscription = useSubscription(
    trpc.chat.eventsOf.subscriptionOptions(
      { chatIds: ids },
      {
        enabled: ids.length > 0,
        onData: ({ data }) => listeners.current.get(data.chatId)?.forEach((listener) => listener(data.event)),
      },
    ),
  );
  const listen = useCallback((chatId: string, listener: Listener) => {
    const set = listeners.current.get(chatId) ?? new Set<Listener>();
    set.add(listener);
    listeners.current.set(chatId, set);
    return () => void set.delete(listener);
  }, []);
  const error = subscription.status === "error" ? (subscription.error?.message ?? "connection lost") : null;
  const hub = useMemo<Hub>(() => ({ follows: (chatId) => ids.includes(chatId), listen, error }), [ids, listen, error]);
  return <HubContext.Provider value={hub}>{children}</HubContext.Provider>;
}

/** Listens to a chat through the hub while `enabled` (the chat's stored messages are loaded). */
export function useHubEvents(hub: Hub | null, chatId: string, enabled: boolean, onEvent: Listener) {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!hub || !enabled) return;
    return hub.listen(chatId, (event) => handler.current(event));
  }, [hub, chatId, enabled]);
}
