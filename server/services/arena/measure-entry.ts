import type { Db } from "../../db";
import type { SidecarClient } from "../../sidecar-client";
import { liveWorktree } from "../worktree/session-worktrees";
import { readArenaCheck, runArenaCheck } from "./arena-check";

const inFlight = new Set<string>();

/**
 * Measures one arena entry once its task has ended, and stores it (arena_entry_results): files
 * changed and +/- against the arena's base (the commit the entry's branch started from), the time
 * its task took, then the repository's check if it defines one. A failure to measure is stored in
 * words; nothing here ever blocks the arena. One measurement per entry at a time.
 */
export async function measureArenaEntry(deps: { db: Db; sidecar: SidecarClient }, sessionId: string): Promise<void> {
  if (inFlight.has(sessionId)) return;
  inFlight.add(sessionId);
  try {
    const session = await deps.db.session.findUnique({
      where: { id: sessionId },
      include: { worktree: true, chats: { select: { tasks: { orderBy: [{ createdAt: "asc" }], take: 1, select: { startedAt: true, finishedAt: true, createdAt: true } } } } },
    });
    const worktree = liveWorktree(session?.worktree);
    if (!session || !worktree) return;
    const task = session.chats.flatMap((c) => c.tasks)[0];
    const durationMs = task?.finishedAt ? task.finishedAt.getTime() - (task.startedAt ?? task.createdAt).getTime() : null;
    const row = { durationMs, ...(await diffStats(deps.sidecar, worktree.path, worktree.baseRef)) };
    let check = null;
    try {
      check = await readArenaCheck(worktree.path);
    } catch (error) {
      await store(deps.db, sessionId, { ...row, checkStatus: "not-started", checkExitCode: null, checkTail: error instanceof Error ? error.message : String(error) });
      return;
    }
    await store(deps.db, sessionId, { ...row, checkStatus: check ? "running" : null, checkExitCode: null, checkTail: null });
    if (!check) return;
    const outcome = await runArenaCheck(check, worktree.path).catch((error: unknown) => ({
      status: "not-started" as const,
      exitCode: null,
      tail: `the check could not start: ${error instanceof Error ? error.message : String(error)}`,
    }));
    await store(deps.db, sessionId, { ...row, checkStatus: outcome.status, checkExitCode: outcome.exitCode, checkTail: outcome.tail });
  } finally {
    inFlight.delete(sessionId);
  }
}

async function diffStats(sidecar: SidecarClient, path: string, base: string | null) {
  try {
    const diff = await sidecar.diff({ path, scope: "base", ...(base ? { against: base } : {}) });
    return {
      filesChanged: diff.files.length,
      additions: diff.files.reduce((sum, f) => sum + f.additions, 0),
      deletions: diff.files.reduce((sum, f) => sum + f.deletions, 0),
      error: null,
    };
  } catch (error) {
    return { filesChanged: null, additions: null, deletions: null, error: `the changes could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type ResultRow = {
  durationMs: number | null;
  filesChanged: number | null;
  additions: number | null;
  deletions: number | null;
  error: string | null;
  checkStatus: string | null;
  checkExitCode: number | null;
  checkTail: string | null;
};

async function store(db: Db, sessionId: string, row: ResultRow) {
  await db.arenaEntryResult.upsert({ where: { sessionId }, create: { sessionId, ...row }, update: { ...row, measuredAt: new Date() } }).catch(() => undefined);
}
