import type { Worktree } from "@prisma/client";

/**
 * A session may own several worktrees: its own (purpose "session", at most one) and one per arena
 * entry (purpose "arena"). Rows stay after removal (removed_at set), so "live" filters those out.
 */
export const liveWorktreesWhere = { removedAt: null } as const;

/** The session's own live worktree among its rows, or null (a chat-only session). */
export function ownWorktree<T extends Pick<Worktree, "purpose" | "removedAt">>(worktrees: readonly T[]): T | null {
  return worktrees.find((w) => w.purpose === "session" && w.removedAt === null) ?? null;
}
