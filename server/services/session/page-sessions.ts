import type { Prisma } from "@prisma/client";
import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { SessionPageInput } from "../../schemas/session";
import { liveWorktree } from "../worktree/session-worktrees";

export const DEFAULT_PAGE_SIZE = 50;

type Cursor = { createdAt: Date; id: string };

/** The cursor is opaque to clients: the last item's (created_at, id), base64url. */
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id !== "string" || Number.isNaN(createdAt.getTime())) throw new Error("shape");
    return { createdAt, id };
  } catch {
    throw new AppError("BAD_REQUEST", "cursor: is not one this API gave out (use nextCursor from the previous page)");
  }
}

const rowInclude = { worktree: { select: { path: true, branch: true, removedAt: true } } } as const;
type Row = Prisma.SessionGetPayload<{ include: typeof rowInclude }>;

function toItem({ worktree: row, ...session }: Row) {
  const worktree = liveWorktree(row);
  return { id: session.id, title: session.title, createdAt: session.createdAt, updatedAt: session.updatedAt, worktree: worktree ? { path: worktree.path, branch: worktree.branch } : null };
}

/** Matches a session by its title or its worktree's branch (SQLite LIKE: case-insensitive for ASCII). */
function matching(query: string): Prisma.SessionWhereInput {
  return { OR: [{ title: { contains: query } }, { worktree: { branch: { contains: query } } }] };
}

/**
 * One page of the sidebar: sessions newest first, each with the arena entry sessions it started
 * (shown under it); `query` matches titles and branches, of a session or of one of its entries.
 * Keyset paging on (created_at, id), index-backed, so page N costs what page 1 does at any size.
 */
export async function pageSessions(db: Db, input: SessionPageInput) {
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const query = input.query?.trim();
  const where: Prisma.SessionWhereInput = {
    arenaId: null,
    ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    ...(query ? { AND: [{ OR: [matching(query), { arenas: { some: { entries: { some: matching(query) } } } }] }] } : {}),
  };
  const rows = await db.session.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { ...rowInclude, arenas: { select: { entries: { include: rowInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } } } },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ arenas, ...row }) => ({ ...toItem(row), entries: arenas.flatMap((arena) => arena.entries.map(toItem)) })),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
