import { z } from "zod";

/** An absolute path; where it really points is checked against the worktree root afterwards. */
export const absolutePath = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(4096, "is too long")
  .refine((value) => value.startsWith("/"), "must be an absolute path")
  .refine((value) => !value.includes("\0"), "must not contain NUL");

/** Names that become argv: never empty, never option-like, no control characters. */
export const gitName = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(200, "is too long")
  .refine((value) => !value.startsWith("-"), "must not start with '-'")
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "must not contain control characters");

/**
 * A commit, merge or stash message: it becomes one argument of git, which cannot hold NUL (spawn
 * refuses it). Refused here, before anything runs: a commit used to stage everything (`add --all`)
 * and then fail on it, changing the index of a request it refused (found by the sidecar fuzz, issue 19).
 */
export function gitMessage(max: number, options: { trim: boolean }) {
  const text = z.string({ error: "must be a string" });
  return (options.trim ? text.trim() : text)
    .min(1, "must not be empty")
    .max(max, "is too long")
    .refine((value) => !value.includes("\0"), "must not contain NUL");
}
