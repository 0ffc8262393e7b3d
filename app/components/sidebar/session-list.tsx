"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/trpc/client";
import type { SessionRef } from "../worktree/delete-confirmations";
import { SessionItem } from "./session-item";
import { shownSessionIds, type SessionPageItem } from "./session-row";
import { useRiskBadges } from "./use-risk-badges";

export const SESSION_PAGE_SIZE = 50;
const note = "px-2 text-sm text-zinc-700 dark:text-zinc-300";

/**
 * The sessions, newest first, a page at a time (`session.page`), the next page loaded as the list
 * nears its end. Only the rows on screen are in the page (a virtual list), so 10,000 sessions
 * cost what 50 do; their risk badges come in one request.
 */
export function SessionList(props: { query: string; shown: boolean; selectedId: string | null; deleting: boolean; onDelete: (session: SessionRef) => void }) {
  const trpc = useTRPC();
  const query = props.query.trim();
  const pages = useInfiniteQuery(
    trpc.session.page.infiniteQueryOptions({ limit: SESSION_PAGE_SIZE, ...(query ? { query } : {}) }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const items: SessionPageItem[] = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const scrollRef = useRef<HTMLElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 52,
    overscan: 6,
    getItemKey: (index) => items[index]?.id ?? index,
    // Hidden (display: none), every row measures 0 px and the scroll position is lost; rows measured
    // so would stay 0 px and, once shown, the list opened scrolled away from its first rows. So the
    // virtualizer rests while hidden and measures afresh when shown (no badges asked for meanwhile).
    enabled: props.shown,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastShown >= items.length - 10) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastShown, items.length]);
  const shown = rows.flatMap((row) => (items[row.index] ? [items[row.index] as SessionPageItem] : []));
  const badges = useRiskBadges(shownSessionIds(shown));

  return (
    <nav ref={scrollRef} aria-label="Sessions" className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
      {pages.isPending ? <p className={note}>Loading sessions…</p> : null}
      {pages.isError ? (
        <p role="alert" className="px-2 text-sm text-red-700 dark:text-red-300">
          Could not load sessions: {pages.error.message}
        </p>
      ) : null}
      {pages.isSuccess && items.length === 0 ? (
        <p className={note}>
          {query
            ? `No session matches “${query}”.`
            : "No sessions yet. Click “New session” to start one: give it a title, and a repository path if the agent should work in a git worktree."}
        </p>
      ) : null}
      <ul className="relative" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const item = items[row.index];
          if (!item) return null;
          return (
            <SessionItem
              key={item.id}
              index={row.index}
              measureRef={virtualizer.measureElement}
              top={row.start}
              session={item}
              entries={item.entries}
              badges={badges}
              selectedId={props.selectedId}
              deleting={props.deleting}
              onDelete={(target, targetEntries) =>
                props.onDelete({
                  ...target,
                  entryCount: targetEntries.length,
                  entryWorktrees: targetEntries.flatMap((e) => (e.worktree ? [{ sessionId: e.id, path: e.worktree.path }] : [])),
                })
              }
            />
          );
        })}
      </ul>
      {isFetchingNextPage ? <p className={note}>Loading more sessions…</p> : null}
    </nav>
  );
}
