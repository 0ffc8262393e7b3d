import { z } from "zod";
import { hostNameSchema } from "./host-name";
import { idSchema, titleSchema } from "./ids";

export const sessionCreateInput = z.object({
  title: titleSchema,
  /**
   * A git repository on a host (`host`, else any host that has it), as an absolute path or from the home folder there
   * (`~/proj`); the session then gets its own worktree.
   */
  repoPath: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(4_096, "is too long")
    .refine((value) => value.startsWith("/") || value === "~" || value.startsWith("~/"), "must be an absolute path (/home/me/proj) or start at your home folder (~/proj)")
    .optional(),
  /** The branch to check out in the worktree: an existing one, or a new one made from the default branch. */
  branch: z.string().trim().min(1, "must not be empty").max(200).optional(),
  /**
   * The host (docs/HOSTS.md) to place the worktree on; absent: the host where repoPath exists, the
   * least busy of them. Needs repoPath.
   */
  host: hostNameSchema.optional(),
});
export type SessionCreateInput = z.infer<typeof sessionCreateInput>;

export const sessionRenameInput = z.object({ id: idSchema, title: titleSchema });
export const sessionIdInput = z.object({ id: idSchema });

/** Sessions chosen in "Clean up sessions" (at most a page's worth at a time). */
export const sessionCleanupInput = z.object({ ids: z.array(idSchema).min(1, "must name at least one session").max(200, "must name at most 200 sessions") });

/** The sidebar's pages: newest first, `query` matching titles and branches. */
export const sessionPageInput = z.object({
  cursor: z.string().max(500, "is too long").optional(),
  limit: z.number().int("must be a whole number").min(1, "must be 1 or more").max(200, "must be at most 200").optional(),
  query: z.string().max(200, "must be at most 200 characters").optional(),
});
export type SessionPageInput = z.infer<typeof sessionPageInput>;
export type SessionIdInput = z.infer<typeof sessionIdInput>;

export const sessionDeleteInput = z.object({
  id: idSchema,
  /** Skips the risk check entirely (no sidecar request): the worktrees stay on disk as orphans. */
  force: z.boolean().optional(),
  /** Left the contract (force no longer needs it); accepted and ignored so older clients still work. */
  consent: z.unknown().optional(),
});
export type SessionDeleteInput = z.infer<typeof sessionDeleteInput>;

/** An agent still at work in a session: a delete without force is refused while any runs. */
export const runningTaskSchema = z.object({
  taskId: z.string(),
  chatId: z.string().nullable(),
  chatTitle: z.string().nullable(),
  agent: z.string(),
  /** The session the task runs in (the one being deleted, or one of its arena entry sessions). */
  sessionId: z.string().nullable(),
});
export type RunningTask = z.infer<typeof runningTaskSchema>;
