import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { HttpError } from "./errors";
import type { NetworkSettings } from "./git/network";
import { GitError, type GitContext } from "./git/run";
import { KeyedMutex } from "./risk/concurrency";
import type { Route, RouteContext } from "./routes/context";
import { commitRoute } from "./routes/commit";
import { createWorktreeRoute } from "./routes/create-worktree";
import { diffRoute } from "./routes/diff";
import { fetchRoute } from "./routes/fetch";
import { pushRoute } from "./routes/push";
import { healthzRoute } from "./routes/healthz";
import { mergeRoute } from "./routes/merge";
import { removeRoute } from "./routes/remove";
import { riskRoute } from "./routes/risk";
import { stashRoute } from "./routes/stash";
import { worktreeOriginRoute } from "./routes/worktree-origin";
import { worktreeRepositoryRoute } from "./routes/worktree-repository";

export const MAX_BODY_BYTES = 1024 * 1024;

export const ROUTES: readonly Route[] = [
  healthzRoute,
  createWorktreeRoute,
  riskRoute,
  stashRoute,
  commitRoute,
  removeRoute,
  worktreeRepositoryRoute,
  worktreeOriginRoute,
  diffRoute,
  pushRoute,
  fetchRoute,
  mergeRoute,
];

export type SidecarServerOptions = {
  token: string;
  worktreeRoot: string;
  git: GitContext;
  network: NetworkSettings;
  /** where unexpected errors go (never to the client) */
  logError?: (error: unknown) => void;
  /**
   * Routes of a service built on the sidecar (host/host-server.ts): asked, after the token check, for a
   * path no sidecar route has; true when it answered. Its HttpErrors are answered like the sidecar's own.
   */
  fallback?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message }, ...extra };
}

/** Compares digests so that neither the content nor the length of the token leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  if (!match?.[1]) return false;
  const given = createHash("sha256").update(match[1]).digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected);
}

/** Reads a JSON body of at most MAX_BODY_BYTES; the rest of an oversize body is drained so the client reads the 413. */
export async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? "0");
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declared > MAX_BODY_BYTES;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
    // Past 64 MB nobody is waiting for an answer: stop reading.
    if (size > 64 * MAX_BODY_BYTES) break;
  }
  if (tooLarge) throw new HttpError(413, "body-too-large", `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new HttpError(400, "invalid-json", "the request body must be a JSON object");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "invalid-json", "the request body is not valid JSON");
  }
}

/** The sidecar's HTTP API (docs/SIDECAR.md): node:http is enough for a handful of JSON routes. */
export function createSidecarServer(options: SidecarServerOptions): http.Server {
  const ctx: RouteContext = { git: options.git, worktreeRoot: options.worktreeRoot, repoLocks: new KeyedMutex(), network: options.network };
  const logError = options.logError ?? ((error: unknown) => console.error("sidecar: unexpected error:", error));

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sidecar.invalid");
    const route = ROUTES.find((candidate) => candidate.path === url.pathname && candidate.method === req.method);
    if (!(route && !route.auth) && !tokenMatches(req.headers.authorization, options.token)) {
      req.resume();
      sendJson(res, 401, errorBody("unauthorized", "a valid Authorization: Bearer <token> header is required"), {
        "www-authenticate": "Bearer",
      });
      return;
    }
    if (!route) {
      const known = ROUTES.filter((candidate) => candidate.path === url.pathname);
      if (known.length === 0 && options.fallback && (await options.fallback(req, res, url))) return;
      req.resume();
      if (known.length > 0) {
        sendJson(res, 405, errorBody("method-not-allowed", `${req.method ?? "?"} is not allowed on ${url.pathname}`), {
          allow: known.map((candidate) => candidate.method).join(", "),
        });
      } else {
        sendJson(res, 404, errorBody("not-found", `no route ${req.method ?? "?"} ${url.pathname}`));
      }
      return;
    }
    // The caller gone before the answer (its timeout): a remove still queued must not go ahead unseen.
    const callerLeft = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) callerLeft.abort();
    });
    const body = route.method === "POST" ? await readJsonBody(req) : (req.resume(), undefined);
    const result = await route.handle(ctx, body, { signal: callerLeft.signal });
    sendJson(res, result.status, result.body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, errorBody(error.code, error.message, error.body));
        return;
      }
      // A full disk (git's objects and index, the audit log) is the host's to fix: said in words, not as a bug.
      if (error instanceof GitError && error.diskFull) {
        sendJson(res, 507, errorBody("disk-full", `${error.message}; free some space and try again`));
        return;
      }
      // A folder a concurrent remove took while this request ran: the answer a serial order gives.
      if (error instanceof GitError && error.folderGone) {
        sendJson(res, 409, errorBody("not-a-worktree", `${error.message}: the folder no longer exists (it was removed while the request ran)`));
        return;
      }
      if ((error as { code?: unknown } | null)?.code === "ENOSPC") {
        sendJson(res, 507, errorBody("disk-full", "the sidecar could not write to disk: the disk is full (no space left on device); free some space and try again"));
        return;
      }
      logError(error);
      sendJson(res, 500, errorBody("internal", "the sidecar failed to answer; see its log"));
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  server.requestTimeout = 10 * 60_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
