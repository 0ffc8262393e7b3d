import { z } from "zod";
import { AppError } from "./errors";
import { worktreeDiffSchema, type DiffScope, type WorktreeDiff } from "./schemas/diff";
import { riskReportSchema, type RiskReport } from "./schemas/risk-report";

const worktreeSchema = z.object({
  path: z.string(),
  branch: z.string(),
  head: z.string().nullable(),
  /** origin/HEAD's branch, or null when the repository has none (then `warnings` says what that means). */
  defaultBranch: z.string().nullable().default(null),
  warnings: z.array(z.string()).default([]),
});
const reportsSchema = z.object({ reports: z.array(riskReportSchema) });
const stashSchema = z.object({ stashed: z.boolean(), ref: z.string().nullable(), report: riskReportSchema });
const commitSchema = z.object({ committed: z.boolean(), commit: z.string().nullable(), report: riskReportSchema });
const repositorySchema = z.object({ repoPath: z.string().min(1), worktreePath: z.string() });
const errorSchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string() }),
  report: riskReportSchema.optional(),
  files: z.array(z.string()).optional(),
});
const pushSchema = z.object({ branch: z.string(), commit: z.string(), remoteRef: z.string(), upstream: z.string().nullable(), upToDate: z.boolean(), report: riskReportSchema });
const fetchSchema = z.object({ repoPath: z.string(), updated: z.array(z.object({ ref: z.string(), from: z.string().nullable(), to: z.string().nullable() })), reports: z.array(riskReportSchema) });
const originSchema = z.object({ url: z.string().nullable(), usable: z.boolean(), refusal: z.string().nullable(), branch: z.string().nullable(), defaultBranch: z.string().nullable() });
const mergeSchema = z.object({ result: z.enum(["fast-forward", "merged", "up-to-date"]), head: z.string(), branch: z.string(), report: riskReportSchema });

export type SidecarWorktree = z.infer<typeof worktreeSchema>;
export type StashResult = z.infer<typeof stashSchema>;
export type CommitResult = z.infer<typeof commitSchema>;
export type RemoveResult = { removed: true } | { removed: false; reports: RiskReport[] };

/** The sidecar could not be asked (down, timed out) or answered something we cannot use. */
export class SidecarUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SidecarUnavailableError";
  }
}

/** The sidecar answered with a 4xx/5xx JSON error: its message is meant for the user. */
export class SidecarRequestError extends Error {
  readonly status: number;
  /** The sidecar's code (`merge-conflict`, `remote-refused`, …) and what it sent with it. */
  readonly code: string | null;
  /** A fresh risk report of the worktree, when the sidecar sent one with its refusal. */
  readonly report: RiskReport | null;
  /** The files a refusal is about (a merge's conflicts). */
  readonly files: string[];
  constructor(status: number, message: string, details: { code?: string | null; report?: RiskReport | null; files?: string[] } = {}) {
    super(message);
    this.name = "SidecarRequestError";
    this.status = status;
    this.code = details.code ?? null;
    this.report = details.report ?? null;
    this.files = details.files ?? [];
  }
}

/**
 * The one mapping from a failed sidecar call to what the user is told: its own words for a refusal
 * (BAD_REQUEST), "cannot be reached"/"did not answer" for an unavailable sidecar
 * (SERVICE_UNAVAILABLE), after `what` ("Nothing was stashed"). With `field`, a refusal names that
 * input field once ("repoPath: /x does not exist", even when the sidecar already said "repoPath:").
 * Anything else is not the sidecar's: it is returned unchanged, for the caller to rethrow.
 */
export function sidecarFailure(what: string, error: unknown, field?: string): unknown {
  if (error instanceof SidecarUnavailableError) return new AppError("SERVICE_UNAVAILABLE", `${what}: ${error.message}`);
  if (error instanceof SidecarRequestError) {
    // 502: origin refused or could not be reached (credentials, network): its words, and the report.
    if (error.status === 502) return new AppError("BAD_GATEWAY", `${what}: ${error.message}`, error.report ? { riskReports: [error.report] } : {});
    // 409: the worktree's state refuses it (work at risk, a conflict, a remote that refused, a
    // config the sidecar cannot switch off): the user sees why, with the fresh report when sent.
    if (error.status === 409) {
      return new AppError("CONFLICT", `${what}: ${error.message}`, {
        ...(error.report ? { riskReports: [error.report] } : {}),
        ...(error.files.length > 0 ? { conflicts: error.files } : {}),
      });
    }
    if (!field) return new AppError("BAD_REQUEST", `${what}: ${error.message}`);
    return new AppError("BAD_REQUEST", `${field}: ${error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message}`);
  }
  return error;
}

export type SidecarClient = {
  readonly url: string;
  createWorktree(input: { sessionId: string; repoPath: string; branch?: string; base?: string }): Promise<SidecarWorktree>;
  risk(paths: string[], options?: { timeoutMs?: number }): Promise<RiskReport[]>;
  stash(input: { path: string; message: string }): Promise<StashResult>;
  commit(input: { path: string; message: string }): Promise<CommitResult>;
  remove(input: { path: string }, options?: { timeoutMs?: number }): Promise<RemoveResult>;
  /** The repository a worktree belongs to (for rows recorded without it, by the legacy migration). */
  repository(input: { path: string }): Promise<{ repoPath: string; worktreePath: string }>;
  /**
   * The worktree's changes (docs/SIDECAR.md, POST /v1/worktrees/diff); `paths` narrows it to those
   * files; `against` diffs from that commit instead of the merge-base (an arena's base).
   */
  diff(input: { path: string; scope: DiffScope; commit?: string; against?: string; maxBytes?: number; paths?: string[] }): Promise<WorktreeDiff>;
  /** Pushes the worktree's branch to origin and sets its upstream (never forced). */
  push(input: { path: string }): Promise<PushResult>;
  /** Fetches origin for a repository that has worktrees under the root; the fresh reports of those worktrees. */
  fetch(input: { repoPath: string }): Promise<FetchResult>;
  /** Brings `branch` into the worktree at `path` (fast-forward, else a merge commit); a conflict changes nothing. */
  merge(input: { path: string; branch: string; message: string }): Promise<MergeResult>;
  /** Where the worktree's branch would be pushed: origin's URL (no credentials), its branch and the default branch. */
  origin(input: { path: string }): Promise<OriginResult>;
};

export type OriginResult = z.infer<typeof originSchema>;

export type PushResult = z.infer<typeof pushSchema>;
export type FetchResult = z.infer<typeof fetchSchema>;
export type MergeResult = z.infer<typeof mergeSchema>;

/** Push and fetch reach the network: a little longer than the sidecar's own limit (300 s by default), so its answer says why. */
const NETWORK_TIMEOUT_MS = 330_000;

export type SidecarClientOptions = {
  url: string;
  token: string;
  timeoutMs?: number;
  /** How the words of a failure name it (default `the sidecar at <url>`), and where its token is set. */
  label?: { name: string; tokenSetting: string };
};

/** HTTP client for the sidecar (docs/ARCHITECTURE.md, "The sidecar"): bearer token, JSON, a timeout on every call. */
export function createSidecarClient(options: SidecarClientOptions): SidecarClient {
  const base = options.url.replace(/\/+$/, "");
  const defaultTimeout = options.timeoutMs ?? 30_000;
  const name = options.label?.name ?? `the sidecar at ${base}`;
  const tokenSetting = options.label?.tokenSetting ?? "BOOCHAT_SIDECAR_TOKEN";

  async function post(path: string, body: unknown, timeoutMs = defaultTimeout): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new SidecarUnavailableError(
        timedOut
          ? `${name} did not answer within ${Math.round(timeoutMs / 100) / 10} s`
          : `${name} cannot be reached (is it running?)`,
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SidecarUnavailableError(`${name} answered ${response.status} without JSON`);
    }
    if (response.status === 401) throw new SidecarUnavailableError(`${name} refused BooChat's token (check ${tokenSetting})`);
    return { status: response.status, json };
  }

  function fail(status: number, json: unknown): never {
    const parsed = errorSchema.safeParse(json);
    const message = parsed.success ? parsed.data.error.message : `${name} answered ${status}`;
    // A 502 with a remote-* code is origin's answer to a push or fetch, said in words: not the sidecar failing.
    const remote = status === 502 && parsed.success && parsed.data.error.code?.startsWith("remote-");
    if (status >= 500 && !remote) throw new SidecarUnavailableError(message);
    throw new SidecarRequestError(status, message, parsed.success ? { code: parsed.data.error.code, report: parsed.data.report, files: parsed.data.files } : {});
  }

  function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SidecarUnavailableError(`the sidecar's answer to ${what} was not understood`);
    return parsed.data;
  }

  return {
    url: base,
    async createWorktree(input) {
      const { status, json } = await post("/v1/worktrees", input);
      if (status !== 200) fail(status, json);
      return parse(worktreeSchema, json, "create worktree");
    },
    async risk(paths, opts) {
      const { status, json } = await post("/v1/worktrees/risk", { paths }, opts?.timeoutMs);
      if (status !== 200) fail(status, json);
      return parse(reportsSchema, json, "risk check").reports;
    },
    async stash(input) {
      const { status, json } = await post("/v1/worktrees/stash", input);
      if (status !== 200) fail(status, json);
      return parse(stashSchema, json, "stash");
    },
    async commit(input) {
      const { status, json } = await post("/v1/worktrees/commit", input);
      if (status !== 200) fail(status, json);
      return parse(commitSchema, json, "commit");
    },
    async remove(input, opts) {
      const { status, json } = await post("/v1/worktrees/remove", input, opts?.timeoutMs);
      if (status === 409) return { removed: false, reports: parse(reportsSchema, json, "remove").reports };
      if (status !== 200) fail(status, json);
      return { removed: true };
    },
    async repository(input) {
      const { status, json } = await post("/v1/worktrees/repository", input);
      if (status !== 200) fail(status, json);
      return parse(repositorySchema, json, "repository");
    },
    async diff(input) {
      const { status, json } = await post("/v1/worktrees/diff", input);
      if (status !== 200) fail(status, json);
      return parse(worktreeDiffSchema, json, "diff");
    },
    async push(input) {
      const { status, json } = await post("/v1/worktrees/push", input, NETWORK_TIMEOUT_MS);
      if (status !== 200) fail(status, json);
      return parse(pushSchema, json, "push");
    },
    async fetch(input) {
      const { status, json } = await post("/v1/repos/fetch", input, NETWORK_TIMEOUT_MS);
      if (status !== 200) fail(status, json);
      return parse(fetchSchema, json, "fetch");
    },
    async merge(input) {
      const { status, json } = await post("/v1/worktrees/merge", input);
      if (status !== 200) fail(status, json);
      return parse(mergeSchema, json, "merge");
    },
    async origin(input) {
      const { status, json } = await post("/v1/worktrees/origin", input);
      if (status !== 200) fail(status, json);
      return parse(originSchema, json, "origin");
    },
  };
}
