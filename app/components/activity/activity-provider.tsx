"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { usePathname } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { ActiveChat } from "@/server/schemas/session-event";
import { useTRPC } from "@/trpc/client";

type Activity = {
  /** "running" or "queued" for a tab whose agent is at work, else null. */
  chatStatus(chatId: string): ActiveChat["status"] | null;
  sessionRunning(sessionId: string): boolean;
  /**
   * What an open tab learned first from its own event stream (its task started or ended): shown
   * at once, until the next activity from the server (which re-reads about once a second).
   */
  noteChat(chatId: string, sessionId: string | null, status: ActiveChat["status"] | null): void;
};

const idle: Activity = { chatStatus: () => null, sessionRunning: () => false, noteChat: () => undefined };
const ActivityContext = createContext<Activity>(idle);

export const useActivity = () => useContext(ActivityContext);

/**
 * Follows sessionEvents.onChange for the whole app: another window's new, renamed or deleted
 * session reloads the lists here, and every tab at work is known, for the running marks.
 */
export function ActivityProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const [active, setActive] = useState<ActiveChat[]>([]);
  const [noted, setNoted] = useState<Map<string, { sessionId: string | null; status: ActiveChat["status"] | null }>>(new Map());
  const reloadSessions = () => {
    // The sidebar's pages start again from the first (newest) one: a new session lands on top,
    // and pages loaded further down would otherwise all be fetched again.
    queryClient.setQueriesData<{ pages: unknown[]; pageParams: unknown[] }>({ queryKey: trpc.session.page.pathKey() }, (data) =>
      data ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) } : data,
    );
    void queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.worktree.orphans.queryKey() });
  };

  useSubscription(
    trpc.sessionEvents.onChange.subscriptionOptions(undefined, {
      // The sign-in page has no sessions to follow (and no right to them yet).
      enabled: !pathname.startsWith("/sign-in"),
      // After a dropped connection changes may have been missed: reload once.
      onStarted: reloadSessions,
      onData: (event) => {
        if (event.type === "sessions-changed") reloadSessions();
        else {
          setActive(event.active);
          setNoted(new Map());
        }
      },
    }),
  );

  const noteChat = useCallback<Activity["noteChat"]>((chatId, sessionId, status) => {
    setNoted((current) => (current.get(chatId)?.status === status ? current : new Map(current).set(chatId, { sessionId, status })));
  }, []);

  const value = useMemo<Activity>(() => {
    const chats = new Map<string, { sessionId: string | null; status: ActiveChat["status"] | null }>(active.map((a) => [a.chatId, a]));
    for (const [chatId, note] of noted) chats.set(chatId, { sessionId: note.sessionId ?? chats.get(chatId)?.sessionId ?? null, status: note.status });
    const sessions = new Set([...chats.values()].flatMap((c) => (c.sessionId && c.status ? [c.sessionId] : [])));
    return { chatStatus: (id) => chats.get(id)?.status ?? null, sessionRunning: (id) => sessions.has(id), noteChat };
  }, [active, noted, noteChat]);
  return <ActivityContext.Provider value={value}>{children}</ActivityContext.Provider>;
}

/** The pulsing dot beside a running tab or session; its name ("running") is read with the tab's or the session's. */
export function RunningMark({ status = "running" }: { status?: ActiveChat["status"] }) {
  return (
    <span
      role="img"
      aria-label={status === "queued" ? "waiting to run" : "running"}
      title={status === "queued" ? "Waiting to run" : "An agent is running"}
      className="inline-block h-2 w-2 shrink-0 animate-pulse rounded-full bg-indigo-600 dark:bg-indigo-400"
    />
  );
}
