import { z } from "zod";

/**
 * The sidecar's verdict on one worktree (docs/ARCHITECTURE.md, "RiskReport").
 * One definition for the sidecar, the server and the browser: keep this file free of node imports.
 */

export const riskStatusSchema = z.enum(["clean", "at-risk", "unverified"]);
export type RiskStatus = z.infer<typeof riskStatusSchema>;

export const riskReasonSchema = z.enum(["dirty", "unpushed", "unmerged", "detached", "operation-in-progress"]);
export type RiskReason = z.infer<typeof riskReasonSchema>;

export const riskCommitSchema = z.object({ sha: z.string(), subject: z.string() });
export type RiskCommit = z.infer<typeof riskCommitSchema>;

export const riskReportSchema = z.object({
  /** The worktree directory, as the caller named it. */
  path: z.string(),
  status: riskStatusSchema,
  reasons: z.array(riskReasonSchema),
  /** null when HEAD is detached (or unknown). */
  branch: z.string().nullable(),
  /** Commit id of HEAD; null on an unborn branch or when it could not be read. */
  head: z.string().nullable(),
  /** Read from refs/remotes/origin/HEAD, never guessed. */
  defaultBranch: z.string().nullable(),
  dirty: z.object({
    staged: z.number().int().nonnegative(),
    unstaged: z.number().int().nonnegative(),
    untracked: z.number().int().nonnegative(),
    conflicted: z.number().int().nonnegative(),
    /** The first changed paths (capped; the counts are complete). */
    files: z.array(z.string()),
  }),
  unpushed: z.object({
    count: z.number().int().nonnegative(),
    upstream: z.string().nullable(),
    commits: z.array(riskCommitSchema),
  }),
  unmerged: z.object({
    count: z.number().int().nonnegative(),
    commits: z.array(riskCommitSchema),
  }),
  /** Stash entries made from this branch (git keeps them after the worktree is removed). */
  stashes: z.number().int().nonnegative(),
  /** Hash of HEAD, the porcelain status and the reasons: what the user saw. */
  fingerprint: z.string(),
  /** Why, when status is "unverified" (or a note such as a missing default branch). */
  error: z.string().optional(),
  /** Ignored files that removing the worktree would delete and a user may miss (`.env`, keys). */
  notableIgnored: z.array(z.string()).optional(),
});

export type RiskReport = z.infer<typeof riskReportSchema>;

/** A report with nothing found yet: the starting point of an `unverified` report (fingerprint to be set). */
export function emptyRiskReport(path: string): RiskReport {
  return {
    path,
    status: "unverified",
    reasons: [],
    branch: null,
    head: null,
    defaultBranch: null,
    dirty: { staged: 0, unstaged: 0, untracked: 0, conflicted: 0, files: [] },
    unpushed: { count: 0, upstream: null, commits: [] },
    unmerged: { count: 0, commits: [] },
    stashes: 0,
    fingerprint: "",
  };
}
