import { z } from "zod";
import { diffScopeSchema } from "./diff";
import { idSchema, titleSchema } from "./ids";

export const worktreeIdInput = z.object({ id: idSchema });
export const worktreeReattachInput = z.object({ id: idSchema, title: titleSchema.optional() });
/** A worktree of a session: its own, or (by `path`) one of its arena entries'. */
const worktreePathSchema = z.string().trim().min(1, "must not be empty").max(4_096, "is too long").optional();
export const sessionWorktreeInput = z.object({ sessionId: idSchema, path: worktreePathSchema });
/** A session's own worktree, for push, fetch and the pull request link. */
export const sessionIdOnlyInput = z.object({ sessionId: idSchema });

/** The sidebar's badges: the sessions it shows. */
export const riskBadgesInput = z.object({ sessionIds: z.array(idSchema).max(200, "must name at most 200 sessions") });

/** The Changes view: against the base, or only what is uncommitted; or one commit of the branch. */
export const worktreeDiffInput = z.object({
  sessionId: idSchema,
  scope: diffScopeSchema.optional(),
  commit: z.string().trim().regex(/^[0-9a-f]{4,64}$/, "must be a commit id (hex)").optional(),
});
export const sessionCommitInput = z.object({
  sessionId: idSchema,
  path: worktreePathSchema,
  message: z.string().trim().min(1, "must not be empty").max(10_000, "is too long"),
});
