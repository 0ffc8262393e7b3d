import type { Db } from "../../db";
import type { HostRouter } from "../../hosts/host-router";

/** Per host, the tasks queued or running in sessions whose worktree is there (from the database: no host is asked). */
export async function runningTasksByHost(db: Db, router: Pick<HostRouter, "hostOf" | "home">): Promise<Map<string, number>> {
  const tasks = await db.task.findMany({ where: { status: { in: ["queued", "running"] } }, select: { sessionId: true } });
  const sessionIds = [...new Set(tasks.flatMap((task) => (task.sessionId ? [task.sessionId] : [])))];
  const worktrees = await db.worktree.findMany({ where: { sessionId: { in: sessionIds }, removedAt: null }, select: { sessionId: true, host: true } });
  const hostOfSession = new Map(worktrees.map((w) => [w.sessionId, router.hostOf(w.host).name]));
  const counts = new Map<string, number>();
  for (const task of tasks) {
    const host = (task.sessionId && hostOfSession.get(task.sessionId)) || router.home.name;
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

/** Per host, the worktrees BooChat has there and has not removed. */
export async function worktreesByHost(db: Db, router: Pick<HostRouter, "hostOf">): Promise<Map<string, number>> {
  const rows = await db.worktree.groupBy({ by: ["host"], where: { removedAt: null }, _count: { _all: true } });
  const counts = new Map<string, number>();
  for (const row of rows) {
    const host = router.hostOf(row.host).name;
    counts.set(host, (counts.get(host) ?? 0) + row._count._all);
  }
  return counts;
}
