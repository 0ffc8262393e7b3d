import { z } from "zod";
import { idSchema } from "./ids";

export const reviewSideSchema = z.enum(["old", "new"], 'must be "old" or "new"');

export const reviewCommentsInput = z.object({ sessionId: idSchema });

export const reviewAddCommentInput = z
  .object({
    sessionId: idSchema,
    path: z.string().trim().min(1, "must not be empty").max(4_096, "is too long"),
    line: z.number().int("must be a whole number").min(1, "must be 1 or more"),
    endLine: z.number().int("must be a whole number").min(1, "must be 1 or more").optional(),
    side: reviewSideSchema,
    body: z.string().trim().min(1, "must not be empty").max(20_000, "must be at most 20000 characters"),
  })
  .refine((input) => input.endLine === undefined || input.endLine >= input.line, { path: ["endLine"], message: "must not be before line" })
  .refine((input) => input.endLine === undefined || input.endLine - input.line < 1_000, { path: ["endLine"], message: "a comment covers at most 1000 lines" });
export type ReviewAddCommentInput = z.infer<typeof reviewAddCommentInput>;

export const reviewRemoveCommentInput = z.object({ id: idSchema });
export const reviewSendInput = z.object({ sessionId: idSchema, chatId: idSchema });
