import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { SidecarClient } from "../../sidecar-client";
import { removeWorktreeThroughSidecar } from "../session/delete-session";
import { FIRST_TAB_TITLE } from "../session/create-session";
import { checkWorktrees } from "./risk-gate";
import { withKeyLock } from "../../lib/key-lock";
import { publishSessionChange } from "../session/session-events";

/** Worktrees whose session was force-deleted: still on disk, never forgotten. */
export function listOrphans(db: Db) {
  return db.worktree.findMany({
    where: { sessionId: null, removedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, path: true, branch: true, repoPath: true, createdAt: true },
  });
}

async function findOrphan(db: Db, id: string) {
  const worktree = await db.worktree.findUnique({ where: { id } });
  if (!worktree || worktree.removedAt !== null) throw notFound("Worktree", id);
  if (worktree.sessionId !== null) throw new AppError("BAD_REQUEST", `Worktree ${id} belongs to a session; delete the session instead`);
  return worktree;
}

/** The read-only view of an orphan: its row and a fresh risk report. */
export async function inspectOrphan(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, id: string) {
  const worktree = await findOrphan(deps.db, id);
  const { reports } = await checkWorktrees(deps.sidecar, [worktree], deps.riskTimeoutMs);
  return { worktree, report: reports[0] ?? null };
}

/** Gives an orphaned worktree a new session, so work on it can go on. */
export async function reattachOrphan(db: Db, input: { id: string; title?: string }) {
  return withKeyLock(`worktree:${input.id}`, async () => {
    const worktree = await findOrphan(db, input.id);
    return db.$transaction(async (tx) => {
      const session = await tx.session.create({
        data: { title: input.title ?? worktree.branch ?? "Reattached worktree", chats: { create: { title: FIRST_TAB_TITLE, position: 0 } } },
      });
      await tx.worktree.update({ where: { id: worktree.id }, data: { sessionId: session.id } });
      return session;
    }).then((session) => {
      publishSessionChange();
      return session;
    });
  });
}

/** Removes an orphan through the same gate as a session delete: only when the sidecar says clean. */
export async function removeOrphan(deps: { db: Db; sidecar: SidecarClient; riskTimeoutMs: number }, id: string) {
  return withKeyLock(`worktree:${id}`, async () => {
    const worktree = await findOrphan(deps.db, id);
    await removeWorktreeThroughSidecar(deps, worktree);
    return { removed: true as const, path: worktree.path };
  });
}
