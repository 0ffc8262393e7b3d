import { sessionCleanupInput, sessionCreateInput, sessionDeleteInput, sessionIdInput, sessionPageInput, sessionRenameInput } from "../../schemas/session";
import { cleanUpSessions, cleanupCandidates } from "../../services/session/clean-up-sessions";
import { pageSessions } from "../../services/session/page-sessions";
import { createSession } from "../../services/session/create-session";
import { deleteSession } from "../../services/session/delete-session";
import { getSession } from "../../services/session/get-session";
import { listSessions } from "../../services/session/list-sessions";
import { renameSession } from "../../services/session/rename-session";
import { stashAndDeleteSession } from "../../services/session/stash-and-delete-session";
import { stopSessionAgents } from "../../services/session/stop-session-agents";
import { publicProcedure, router } from "../init";

export const sessionRouter = router({
  /** Every session at once (scripts); the sidebar pages through `page`. */
  list: publicProcedure.query(({ ctx }) => listSessions(ctx.db)),
  page: publicProcedure.input(sessionPageInput).query(({ ctx, input }) => pageSessions(ctx.db, input)),
  get: publicProcedure.input(sessionIdInput).query(({ ctx, input }) => getSession(ctx.db, ctx.sidecar, input.id)),
  create: publicProcedure.input(sessionCreateInput).mutation(({ ctx, input }) => createSession(ctx, input)),
  rename: publicProcedure.input(sessionRenameInput).mutation(({ ctx, input }) => renameSession(ctx.db, input)),
  delete: publicProcedure.input(sessionDeleteInput).mutation(({ ctx, input }) => deleteSession(ctx, input)),
  /** The block dialog's Stash: stashes every dirty worktree of the session (and its entries'), then deletes through the gate. */
  stashAndDelete: publicProcedure.input(sessionIdInput).mutation(({ ctx, input }) => stashAndDeleteSession(ctx, input)),
  /** "Clean up sessions": the sessions whose worktree is clean and merged (safe to delete). */
  cleanupCandidates: publicProcedure.query(({ ctx }) => cleanupCandidates(ctx)),
  /** Deletes the chosen sessions one by one through the gate; refusals are reported, not thrown. */
  cleanup: publicProcedure.input(sessionCleanupInput).mutation(({ ctx, input }) => cleanUpSessions(ctx, input.ids)),
  /** Stops every agent running in the session and its arena entry sessions (the block dialog's "Stop agents"). */
  stopAgents: publicProcedure.input(sessionIdInput).mutation(({ ctx, input }) => stopSessionAgents(ctx, input.id)),
});
