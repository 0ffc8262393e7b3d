/** A session as the sidebar gets it from `session.page`: its arena entry sessions nested under it. */
export type SessionRow = { id: string; title: string; worktree: { path: string; branch: string | null } | null };
export type SessionPageItem = SessionRow & { entries: SessionRow[] };

/** The sessions a list shows (each and its entries), for one badges request. */
export function shownSessionIds(items: SessionPageItem[]): string[] {
  return [...new Set(items.flatMap((item) => [item.id, ...item.entries.map((e) => e.id)]))].sort();
}
