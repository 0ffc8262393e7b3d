import { z } from "zod";

/**
 * A worktree's changes as the sidecar reads them (`POST /v1/worktrees/diff`) and the Changes view
 * shows them: one definition for the sidecar, the server and the browser.
 */
export const diffScopeSchema = z.enum(["base", "uncommitted"]);
export type DiffScope = z.infer<typeof diffScopeSchema>;

export const diffFileStatusSchema = z.enum(["added", "modified", "deleted", "renamed", "copied", "mode-changed", "type-changed"]);
export type DiffFileStatus = z.infer<typeof diffFileStatusSchema>;

export const diffFileSchema = z.object({
  /** The file's path now (its new path after a rename). */
  path: z.string(),
  /** Its path before a rename or copy. */
  oldPath: z.string().optional(),
  status: diffFileStatusSchema,
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  binary: z.boolean(),
  /** True when `patch` was cut short (the response's byte budget ran out). */
  truncated: z.boolean(),
  /** The file's unified diff (git's format, from its `diff --git` line); empty for a binary file. */
  patch: z.string(),
  /** A symbolic link (its target is shown as text, never followed). */
  symlink: z.boolean().optional(),
});
export type DiffFile = z.infer<typeof diffFileSchema>;

export const diffCommitSchema = z.object({ sha: z.string(), subject: z.string() });

export const worktreeDiffSchema = z.object({
  /** What the diff starts from: the merge-base with the default branch, HEAD, or the commit's parent. */
  base: z.string().nullable(),
  /** HEAD when the diff was read (null on an unborn branch). */
  head: z.string().nullable(),
  files: z.array(diffFileSchema),
  /** True when files were left out or cut short to stay within the byte budget. */
  truncated: z.boolean(),
  /** The commits on the branch that the default branch lacks, newest first (empty without a default branch). */
  commits: z.array(diffCommitSchema),
});
export type WorktreeDiff = z.infer<typeof worktreeDiffSchema>;
