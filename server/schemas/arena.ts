import { z } from "zod";
import { idSchema } from "./ids";
import { modelRefSchema } from "./model-ref";

/**
 * One contestant: an agent (default opencode) and, for opencode, a model ("provider/model").
 * A bare string names either: "aider" is an agent, "openai/gpt-4.1" an opencode model.
 */
export const arenaContestantSchema = z.preprocess(
  (value) => (typeof value === "string" ? (value.includes("/") ? { model: value } : { agent: value }) : value),
  z.object({
    agent: z.string().trim().min(1, "must not be empty").max(100, "is too long").optional(),
    model: modelRefSchema.optional(),
  }),
);
export type ArenaContestant = z.infer<typeof arenaContestantSchema>;

export const MAX_ARENA_ENTRIES = 6;

export const arenaCreateInput = z.object({
  sessionId: idSchema,
  prompt: z.string().trim().min(1, "must not be empty").max(100_000, "must be at most 100000 characters"),
  agents: z
    .array(arenaContestantSchema)
    .min(2, "must name at least 2 contestants")
    .max(MAX_ARENA_ENTRIES, `must name at most ${MAX_ARENA_ENTRIES} contestants`),
});
export type ArenaCreateInput = z.infer<typeof arenaCreateInput>;

export const arenaIdInput = z.object({ id: idSchema });
export const arenaListInput = z.object({ sessionId: idSchema });
export const arenaMarkWinnerInput = z.object({ arenaId: idSchema, chatId: idSchema });
/** arena.merge and arena.cleanup: the arena, whose winner is already marked. */
export const arenaRefInput = z.object({ arenaId: idSchema });
