import type { Db } from "../../db";
import { notFound } from "../../errors";

/** How deep arenas started from arena entries are followed (an entry may start an arena of its own). */
const MAX_ARENA_DEPTH = 8;

const memberSelect = {
  id: true,
  title: true,
  worktree: { select: { id: true, path: true, branch: true, removedAt: true } },
  chats: { select: { id: true } },
} as const;

export type FamilyMember = {
  id: string;
  title: string;
  /** Its live worktree, or null (chat only, or already removed). */
  worktree: { id: string; path: string; branch: string | null } | null;
  chatIds: string[];
};

type MemberRow = {
  id: string;
  title: string;
  worktree: { id: string; path: string; branch: string | null; removedAt: Date | null } | null;
  chats: { id: string }[];
};

function toMember(row: MemberRow): FamilyMember {
  const worktree = row.worktree && row.worktree.removedAt === null ? row.worktree : null;
  return {
    id: row.id,
    title: row.title,
    worktree: worktree ? { id: worktree.id, path: worktree.path, branch: worktree.branch } : null,
    chatIds: row.chats.map((c) => c.id),
  };
}

/**
 * A session and the arena entry sessions it started (and theirs, for an entry that started an
 * arena of its own): everything deleting it deletes. The session comes first, then its entries in
 * the order they were made.
 */
export async function sessionFamily(db: Db, id: string): Promise<FamilyMember[]> {
  const root = await db.session.findUnique({ where: { id }, select: memberSelect });
  if (!root) throw notFound("Session", id);
  const family: MemberRow[] = [root];
  let frontier = [root.id];
  for (let depth = 0; depth < MAX_ARENA_DEPTH && frontier.length > 0; depth++) {
    const entries = await db.session.findMany({
      where: { arena: { sessionId: { in: frontier } } },
      select: memberSelect,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const fresh = entries.filter((entry) => !family.some((member) => member.id === entry.id));
    family.push(...fresh);
    frontier = fresh.map((entry) => entry.id);
  }
  return family.map(toMember);
}
