import type { Db } from "../../db";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { sessionWithWorktree } from "./session-worktree";

/**
 * The Finish panel's Push: the session's branch to `origin`, upstream set, never forced. A
 * rejection (not a fast-forward, no access, unreachable) comes back in words with a fresh report.
 */
export async function pushSessionWorktree(deps: { db: Db; sidecar: SidecarClient }, sessionId: string) {
  const { worktree } = await sessionWithWorktree(deps.db, sessionId, "push");
  try {
    const pushed = await deps.sidecar.push({ path: worktree.path });
    return { branch: pushed.branch, upstream: pushed.upstream, upToDate: pushed.upToDate, report: pushed.report };
  } catch (error) {
    throw sidecarFailure("Nothing was pushed", error);
  }
}
