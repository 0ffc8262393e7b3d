import type { z } from "zod";
import { HttpError } from "../errors";
import type { NetworkSettings } from "../git/network";
import type { GitContext } from "../git/run";
import type { KeyedMutex } from "../risk/concurrency";

/** What every route gets: hardened git, the worktree root, and the per-repository write lock. */
export type RouteContext = {
  git: GitContext;
  worktreeRoot: string;
  /** keyed by a repository's shared git dir: stash, remove and worktree creation take it */
  repoLocks: KeyedMutex;
  /** how push and fetch reach origin with the host's credentials */
  network: NetworkSettings;
};

export type RouteResult = { status: number; body: unknown };

/** The request itself: `signal` aborts when the caller closed the connection before the answer. */
export type RouteCall = { signal: AbortSignal };

export type Route = {
  method: "GET" | "POST";
  path: string;
  /** false only for /healthz */
  auth: boolean;
  handle(ctx: RouteContext, body: unknown, call: RouteCall): Promise<RouteResult>;
};

/** Validates a request body; a 400 whose message names every field that is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
  throw new HttpError(400, "invalid-input", message);
}

export const ok = (body: unknown): RouteResult => ({ status: 200, body });
