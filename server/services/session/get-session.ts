import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { HostRouter } from "../../hosts/host-router";
import { liveWorktree } from "../worktree/session-worktrees";

/**
 * One session with its `worktree: { id, path, branch, head, repoPath } | null` (head is the commit
 * it was created at), `host` (where its worktree and agents are; the home host without a worktree)
 * and, for an arena entry session, `arena: { id, originSessionId, originTitle }`.
 */
export async function getSession(db: Db, hosts: Pick<HostRouter, "hostOf" | "home">, id: string) {
  const session = await db.session.findUnique({
    where: { id },
    include: { worktree: true, arena: { select: { id: true, session: { select: { id: true, title: true } } } } },
  });
  if (!session) throw notFound("Session", id);
  const { worktree: row, arena, ...rest } = session;
  const worktree = liveWorktree(row);
  return {
    ...rest,
    worktree: worktree ? { id: worktree.id, path: worktree.path, branch: worktree.branch, head: worktree.baseRef, repoPath: worktree.repoPath } : null,
    host: worktree ? hosts.hostOf(worktree.host).name : hosts.home.name,
    arena: arena ? { id: arena.id, originSessionId: arena.session.id, originTitle: arena.session.title } : null,
  };
}
