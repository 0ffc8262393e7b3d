import { z } from "zod";
import { idSchema, titleSchema } from "./ids";

export const sessionCreateInput = z.object({
  title: titleSchema,
  /** An absolute path to a git repository on the sidecar's host; the session then gets its own worktree. */
  repoPath: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .refine((value) => value.startsWith("/"), "must be an absolute path")
    .optional(),
  /** The branch to check out in the worktree: an existing one, or a new one made from the default branch. */
  branch: z.string().trim().min(1, "must not be empty").max(200).optional(),
});
export type SessionCreateInput = z.infer<typeof sessionCreateInput>;

export const sessionRenameInput = z.object({ id: idSchema, title: titleSchema });
export const sessionIdInput = z.object({ id: idSchema });

export const sessionDeleteInput = z.object({
  id: idSchema,
  force: z.boolean().optional(),
  /** The fingerprints of the risk reports the user saw in the block dialog. */
  consent: z.array(z.string().min(1)).max(100).optional(),
});
export type SessionDeleteInput = z.infer<typeof sessionDeleteInput>;
