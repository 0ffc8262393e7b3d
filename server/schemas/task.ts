import { z } from "zod";
import { idSchema } from "./ids";
import { modelRefSchema } from "./model-ref";

/** Who may create a task through `task.create` (tabs and skills have their own procedures). */
export const taskCreatorSchema = z.enum(["generic", "new_task", "arena", "mcp"], {
  error: 'must be one of "generic", "new_task", "arena", "mcp"',
});

const promptSchema = z.string().trim().min(1, "must not be empty").max(100_000, "must be at most 100000 characters");
const refSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const agentNameSchema = z.string().trim().min(1, "must not be empty").max(100, "is too long");

export const taskCreateInput = z
  .object({
    prompt: promptSchema,
    creator: taskCreatorSchema,
    agent: agentNameSchema.optional(),
    model: modelRefSchema.optional(),
    sessionId: idSchema.optional(),
    chatId: idSchema.optional(),
    /** The creator's own reference: tasks with the same (creator, ref) share one chat. */
    ref: refSchema.optional(),
    /** new_task: the task whose agent starts this one; the new tab goes in that task's session. */
    fromTaskId: idSchema.optional(),
  })
  .refine((input) => !(input.fromTaskId && input.creator !== "new_task"), {
    path: ["fromTaskId"],
    message: 'is only for creator "new_task"',
  })
  .refine((input) => !(input.fromTaskId && input.sessionId), {
    path: ["sessionId"],
    message: "must not be given with fromTaskId (the follow-up goes to that task's session)",
  });
export type TaskCreateInput = z.infer<typeof taskCreateInput>;

export const taskListInput = z.union(
  [z.object({ chatId: idSchema }).strict(), z.object({ sessionId: idSchema }).strict()],
  { error: "give exactly one of chatId or sessionId" },
);
export type TaskListInput = z.infer<typeof taskListInput>;

export const taskIdInput = z.object({ id: idSchema });
