import path from "node:path";
import { z } from "zod";
import { diffScopeSchema } from "../../server/schemas/diff";
import { HttpError } from "../errors";
import { UnverifiableConfigError } from "../git/config-drivers";
import { GitError } from "../git/run";
import { DEFAULT_DIFF_MAX_BYTES, readWorktreeDiff } from "../diff/read-diff";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";
import { refuseIfRemovedMeanwhile, requireListedWorktree } from "./worktree-target";

/** A file of the worktree as git names it: relative, inside it, no `..`. Git reads it from its index, never through the file system. */
const worktreeFile = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(4096, "is too long")
  .refine((value) => !/[\u0000-\u001f]/.test(value), "must not contain control characters")
  .refine((value) => !value.startsWith("/"), "must be a path relative to the worktree")
  .refine(
    (value) => path.posix.normalize(value) === value && value !== "." && value !== ".." && !value.startsWith("../"),
    "must be a plain path inside the worktree (no '..', '.' or doubled '/')",
  );

const commitId = z
  .string({ error: "must be a string" })
  .regex(/^[0-9a-f]{4,64}$/, "must be a commit id (4 to 64 hex digits)")
  .optional();

const diffInput = z.object({
  path: absolutePath,
  scope: diffScopeSchema,
  commit: commitId,
  /** scope "base" from this commit instead of the merge base (an arena entry against the arena's base) */
  against: commitId,
  maxBytes: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1024, "must be at least 1024")
    .max(64 * 1024 * 1024, "must be at most 67108864")
    .optional(),
  paths: z.array(worktreeFile, { error: "must be an array of paths" }).min(1, "must not be empty").max(200, "at most 200 paths").optional(),
});

/** The Changes view (issue 16): read only, so no repository lock; never writes the worktree's index or objects. */
export const diffRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/diff",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(diffInput, body);
    if (input.against !== undefined && (input.commit !== undefined || input.scope !== "base")) {
      throw new HttpError(400, "invalid-input", "against: only with scope base and without commit");
    }
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target);
    const request = { scope: input.scope, commit: input.commit, against: input.against, maxBytes: input.maxBytes ?? DEFAULT_DIFF_MAX_BYTES, paths: input.paths };
    try {
      return ok(await readWorktreeDiff(ctx.git, target.real, dirs, request));
    } catch (error) {
      await refuseIfRemovedMeanwhile(target, "its changes were read");
      if (error instanceof UnverifiableConfigError) {
        throw new HttpError(409, "unverified", `the repository's configuration cannot be switched off with certainty, so git was not run on it: ${error.message}`);
      }
      if (error instanceof GitError) throw new HttpError(409, "diff-failed", `the changes could not be read: ${error.message}`);
      throw error;
    }
  },
};
