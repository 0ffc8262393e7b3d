/** A session as the sidebar gets it from `session.list`. */
export type SessionRow = { id: string; title: string; worktree: { path: string; branch: string | null } | null; arenaOriginId: string | null };

/** Sessions at the top of the list, each with the arena entry sessions it started (shown under it). */
export function groupArenaEntries(sessions: SessionRow[]): Array<{ session: SessionRow; entries: SessionRow[] }> {
  const ids = new Set(sessions.map((s) => s.id));
  const entriesOf = new Map<string, SessionRow[]>();
  for (const session of sessions) {
    if (session.arenaOriginId && ids.has(session.arenaOriginId)) {
      entriesOf.set(session.arenaOriginId, [...(entriesOf.get(session.arenaOriginId) ?? []), session]);
    }
  }
  return sessions
    .filter((s) => !(s.arenaOriginId && ids.has(s.arenaOriginId)))
    .map((session) => ({ session, entries: (entriesOf.get(session.id) ?? []).reverse() }));
}
