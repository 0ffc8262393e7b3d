import { z } from "zod";
import { idSchema, titleSchema } from "./ids";

export const worktreeIdInput = z.object({ id: idSchema });
export const worktreeReattachInput = z.object({ id: idSchema, title: titleSchema.optional() });
export const sessionWorktreeInput = z.object({ sessionId: idSchema });
export const sessionCommitInput = z.object({
  sessionId: idSchema,
  message: z.string().trim().min(1, "must not be empty").max(10_000, "is too long"),
});
