import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { EventSource, type FetchLike } from "eventsource";
import fs from "node:fs";
import path from "node:path";
import superjson from "superjson";
import { API_TOKEN_FILE } from "../server/security/access-secrets";
import { LIMITS } from "../server/limits";
import type { AppRouter } from "../server/trpc/routers/_app";

export const DEFAULT_URL = "http://127.0.0.1:3000";
/** A query or mutation that gets no answer in this long is treated as an unreachable app. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Statuses BooChat's access check (proxy.ts) answers with; no procedure of ours throws them. */
const REFUSALS = new Set([401, 403, 415, 429]);

export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type CliSettings = {
  /** The app's base URL, without a trailing slash. */
  url: string;
  /** The bearer token: BOOCHAT_TOKEN, else the one in the data folder (null: neither is there). */
  token: string | null;
  /** Where the token came from, for the words of a refusal. */
  tokenSource: string;
};

/** A problem the user must fix (bad input, bad settings): printed as is, exit code 1. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** An answer that is not the tRPC API's: BooChat's access check refused it, or BOOCHAT_URL points elsewhere. */
class NotTheApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | null,
  ) {
    super(`HTTP ${status}${reason ? `: ${reason}` : ""}`);
    this.name = "NotTheApiError";
  }
}

/** The access check answers `{ error: { code, message } }`; a tRPC error has `error.json` (superjson) or is a batch array. */
async function refusalReason(response: Response): Promise<string | null> {
  try {
    const body: unknown = await response.json();
    if (typeof body !== "object" || body === null || !("error" in body)) return null;
    const error = body.error;
    if (typeof error !== "object" || error === null || "json" in error || !("message" in error)) return null;
    return typeof error.message === "string" ? error.message : null;
  } catch {
    return null;
  }
}

/**
 * The API token: BOOCHAT_TOKEN, else `<BOOCHAT_DATA_DIR or ./data>/api-token`, which the CLI can
 * read when it runs as the same user as BooChat (the file is 0600).
 */
function tokenFrom(env: Record<string, string | undefined>, cwd: string): { token: string | null; tokenSource: string } {
  const fromEnv = env.BOOCHAT_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, tokenSource: "BOOCHAT_TOKEN" };
  const file = path.join(path.resolve(cwd, env.BOOCHAT_DATA_DIR?.trim() || "data"), API_TOKEN_FILE);
  try {
    return { token: fs.readFileSync(file, "utf8").trim() || null, tokenSource: file };
  } catch {
    return { token: null, tokenSource: file };
  }
}

/** BOOCHAT_URL and the API token (BOOCHAT_TOKEN or the data folder's), read once. */
export function settingsFromEnv(env: Record<string, string | undefined>, cwd = process.cwd()): CliSettings {
  const raw = env.BOOCHAT_URL?.trim() || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new CliError(`BOOCHAT_URL is not a URL: "${raw}" (expected something like ${DEFAULT_URL})`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new CliError(`BOOCHAT_URL must start with http:// or https://, got "${raw}"`);
  }
  const url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
  return { url, ...tokenFrom(env, cwd) };
}

function withAuth(settings: CliSettings, headers: HeadersInit | undefined): Headers {
  const merged = new Headers(headers);
  if (settings.token) merged.set("authorization", `Bearer ${settings.token}`);
  return merged;
}

/** The typed client: queries and mutations over httpBatchLink, `chat.events` over SSE. */
export function createBoochatClient(settings: CliSettings) {
  const endpoint = `${settings.url}/api/trpc`;
  // The eventsource ponyfill (Node 20 has no global EventSource) lets us add the bearer header.
  const sseFetch: FetchLike = (url, init) => fetch(url, { ...init, headers: withAuth(settings, init?.headers) });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: endpoint,
          transformer: superjson,
          EventSource,
          eventSourceOptions: { fetch: sseFetch },
        }),
        false: httpBatchLink({
          url: endpoint,
          transformer: superjson,
          maxItems: LIMITS.trpcBatchSize,
          headers: () => (settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
          fetch: async (url, init) => {
            const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
            const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
            const response = await fetch(url, { ...init, signal });
            const json = response.headers.get("content-type")?.includes("application/json") ?? false;
            if (!json) {
              await response.body?.cancel();
              throw new NotTheApiError(response.status, null);
            }
            if (REFUSALS.has(response.status)) {
              const reason = await refusalReason(response.clone());
              if (reason !== null) throw new NotTheApiError(response.status, reason);
            }
            return response;
          },
        }),
      }),
    ],
  });
}

export type BoochatClient = ReturnType<typeof createBoochatClient>;

/** The innermost cause's words: "connect ECONNREFUSED 127.0.0.1:3000" rather than "fetch failed". */
function rootReason(error: unknown): string {
  let current: unknown = error;
  let reason = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    if (current.message) reason = current.message;
    current = current.cause;
  }
  return reason;
}

function notTheApi(error: unknown): NotTheApiError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof NotTheApiError) return current;
    current = current.cause;
  }
  return null;
}

/**
 * One line for any failure of a call: the server's own message for a tRPC error
 * (`Session abc does not exist`), a hint when the app cannot be reached. Never a stack.
 */
export function describeError(error: unknown, settings: CliSettings): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TRPCClientError) {
    const typed = error as TRPCClientError<AppRouter>;
    if (typed.data) return new CliError(typed.message);
    const other = notTheApi(typed);
    if (other?.status === 401) {
      const hint = settings.token
        ? `the token from ${settings.tokenSource} is not this BooChat's: set BOOCHAT_TOKEN to the one in its data folder's ${API_TOKEN_FILE}`
        : `BooChat needs its API token: run the CLI in the BooChat folder (it reads ${settings.tokenSource}) or set BOOCHAT_TOKEN`;
      return new CliError(`BooChat at ${settings.url} refused the request (${other.reason ?? "HTTP 401"}): ${hint}`);
    }
    if (other?.reason) return new CliError(`BooChat at ${settings.url} refused the request (HTTP ${other.status}): ${other.reason}`);
    if (other) return new CliError(`BooChat at ${settings.url} answered HTTP ${other.status}, not the BooChat API: is BOOCHAT_URL right?`);
    return new CliError(`Cannot reach BooChat at ${settings.url}: ${rootReason(typed)}. Is it running (npm start)?`);
  }
  return new CliError(`Cannot reach BooChat at ${settings.url}: ${rootReason(error)}. Is it running (npm start)?`);
}
