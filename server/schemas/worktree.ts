import { z } from "zod";
import { idSchema, titleSchema } from "./ids";

export const worktreeIdInput = z.object({ id: idSchema });
export const worktreeReattachInput = z.object({ id: idSchema, title: titleSchema.optional() });
export const sessionWorktreeInput = z.object({ sessionId: idSchema });
