import type { Db } from "../../db";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { pullRequestUrl, type PullRequestLink } from "./pull-request-url";
import { sessionWithWorktree } from "./session-worktree";

/**
 * The Finish panel's "Open pull request": the host's new-pull-request page for the session's
 * branch against the default branch, built from origin's URL (no API, no token); otherwise
 * `url: null` and the branch, target and remote in words.
 */
export async function sessionPullRequestUrl(deps: { db: Db; sidecar: SidecarClient }, sessionId: string): Promise<PullRequestLink> {
  const { worktree } = await sessionWithWorktree(deps.db, sessionId, "open a pull request for");
  let origin;
  try {
    origin = await deps.sidecar.origin({ path: worktree.path });
  } catch (error) {
    throw sidecarFailure("The pull request link could not be made", error);
  }
  const branch = origin.branch ?? worktree.branch;
  if (!branch) return { url: null, reason: "the worktree's HEAD is detached: there is no branch to open a pull request for" };
  if (!origin.url) return { url: null, reason: `the repository has no origin remote: push ${branch} somewhere and open a pull request there` };
  if (!origin.defaultBranch) {
    return { url: null, reason: `origin has no default branch known here (no origin/HEAD): open a pull request of ${branch} at ${origin.url}` };
  }
  return pullRequestUrl(origin.url, branch, origin.defaultBranch);
}
