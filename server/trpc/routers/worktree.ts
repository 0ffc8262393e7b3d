import { riskBadgesInput, sessionCommitInput, sessionIdOnlyInput, sessionWorktreeInput, worktreeDiffInput, worktreeIdInput, worktreeReattachInput } from "../../schemas/worktree";
import { riskBadges } from "../../services/worktree/risk-badges";
import { fetchSessionOrigin } from "../../services/worktree/fetch-session-origin";
import { pushSessionWorktree } from "../../services/worktree/push-session-worktree";
import { sessionPullRequestUrl } from "../../services/worktree/session-pull-request";
import { sessionDiff } from "../../services/worktree/session-diff";
import { inspectOrphan, listOrphans, reattachOrphan, removeOrphan } from "../../services/worktree/orphans";
import { commitSessionWorktree, sessionWorktreeRisk, stashSessionWorktree } from "../../services/worktree/session-worktree-actions";
import { publicProcedure, router } from "../init";

export const worktreeRouter = router({
  orphans: publicProcedure.query(({ ctx }) => listOrphans(ctx.db)),
  inspect: publicProcedure.input(worktreeIdInput).query(({ ctx, input }) => inspectOrphan(ctx, input.id)),
  reattach: publicProcedure.input(worktreeReattachInput).mutation(({ ctx, input }) => reattachOrphan(ctx.db, input)),
  remove: publicProcedure.input(worktreeIdInput).mutation(({ ctx, input }) => removeOrphan(ctx, input.id)),
  stash: publicProcedure.input(sessionWorktreeInput).mutation(({ ctx, input }) => stashSessionWorktree(ctx, input.sessionId, input.path)),
  commit: publicProcedure.input(sessionCommitInput).mutation(({ ctx, input }) => commitSessionWorktree(ctx, input)),
  risk: publicProcedure.input(sessionWorktreeInput).query(({ ctx, input }) => sessionWorktreeRisk(ctx, input.sessionId, input.path)),
  /** What deleting each session would meet, for the sidebar's badges: one sidecar request for all. */
  riskBadges: publicProcedure.input(riskBadgesInput).query(({ ctx, input }) => riskBadges(ctx, input.sessionIds)),
  /** The Finish panel's Push: the session's branch to origin, upstream set, never forced. */
  push: publicProcedure.input(sessionIdOnlyInput).mutation(({ ctx, input }) => pushSessionWorktree(ctx, input.sessionId)),
  /** The Finish panel's Refresh: fetches origin, so a pull request merged on the server counts as merged. */
  fetch: publicProcedure.input(sessionIdOnlyInput).mutation(({ ctx, input }) => fetchSessionOrigin(ctx, input.sessionId)),
  /** The Finish panel's "Open pull request": the host's page for it, or why there is none, in words. */
  pullRequestUrl: publicProcedure.input(sessionIdOnlyInput).query(({ ctx, input }) => sessionPullRequestUrl(ctx, input.sessionId)),
  /** The session's changes for the Changes view (a snapshot, with the time it was taken). */
  diff: publicProcedure.input(worktreeDiffInput).query(({ ctx, input }) => sessionDiff(ctx, input)),
});
