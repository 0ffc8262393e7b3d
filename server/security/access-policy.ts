import type { AccessSecrets } from "./access-secrets";
import type { AccessSettings } from "./access-settings";
import { clientKey, type AttemptLimiter } from "./attempt-limiter";
import { constantTimeEqual } from "./constant-time";
import { isAllowedHost, isOwnOrigin } from "./host-check";
import { isValidSessionValue } from "./session-cookie";

/** What the checks need from a request: no Next.js types, so tests build one from plain values. */
export type AccessRequest = {
  method: string;
  pathname: string;
  headers: Pick<Headers, "get">;
  /** The session cookie's value, if the request carries one. */
  sessionCookie?: string | undefined;
};

export type AccessRefusal = {
  allowed: false;
  status: 401 | 403 | 415 | 429;
  reason: string;
  retryAfterSeconds?: number;
};

export type AccessDecision = { allowed: true; by: "public" | "session" | "token" | "agent-token" } | AccessRefusal;

export type AccessContext = { nowMs: number; limiter: AttemptLimiter; secrets: AccessSecrets };

/** The one route opencode's own token opens: BooChat's MCP server (an agent's follow-up tasks). */
export const AGENT_TOKEN_PATH = "/api/mcp";

const SAFE_METHODS = new Set(["GET", "HEAD"]);
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Routes anyone who can reach BooChat may use without signing in (the Host and Origin checks still apply). */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/sign-in" ||
    pathname === "/api/auth/sign-in" ||
    // A bare liveness answer ({ ok }), no data: for `npm start`, Playwright and monitors.
    pathname === "/api/health" ||
    pathname.startsWith("/_next/static/") ||
    PUBLIC_ASSETS.has(pathname)
  );
}

/** public/: the icons and the web manifest (browsers fetch a manifest without cookies). */
const PUBLIC_ASSETS = new Set(["/favicon.ico", "/icon.svg", "/icon-192.png", "/icon-512.png", "/apple-touch-icon.png", "/manifest.webmanifest"]);

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

function refuse(status: AccessRefusal["status"], reason: string, retryAfterSeconds?: number): AccessRefusal {
  return retryAfterSeconds === undefined ? { allowed: false, status, reason } : { allowed: false, status, reason, retryAfterSeconds };
}

/**
 * A browser tells where a request comes from: `Origin` (always on a POST, and on a cross-origin
 * fetch or EventSource), else `Referer`, else `Sec-Fetch-Site`. A client that sends none of them
 * (the CLI, MCP clients, scripts) is not a browser page, and is judged by Host and credentials.
 */
function foreignSource(headers: Pick<Headers, "get">, settings: AccessSettings): string | null {
  const origin = headers.get("origin");
  if (origin !== null) return isOwnOrigin(origin, settings) ? null : `it comes from another site (Origin: ${origin})`;
  const referer = headers.get("referer");
  if (referer !== null) return isOwnOrigin(referer, settings) ? null : `it comes from another site (Referer: ${referer})`;
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return `it comes from another site (Sec-Fetch-Site: ${site})`;
  return null;
}

function hasBody(method: string, headers: Pick<Headers, "get">): boolean {
  if (BODY_METHODS.has(method)) return true;
  const length = headers.get("content-length");
  return headers.get("transfer-encoding") !== null || (length !== null && length.trim() !== "0");
}

function bearerOf(headers: Pick<Headers, "get">): string | null {
  const authorization = headers.get("authorization");
  return authorization === null ? null : (/^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? "");
}

/**
 * A valid cookie or token is accepted before any limiting, so a stranger's wrong guesses can never
 * lock the user out; only a wrong one is counted, and refused while its client is over the limit.
 */
function credentials(request: AccessRequest, settings: AccessSettings, context: AccessContext): AccessDecision {
  const { secrets } = context;
  const material = { apiToken: secrets.apiToken, epoch: secrets.epoch, password: settings.password };
  if (isValidSessionValue(material, request.sessionCookie, context.nowMs)) return { allowed: true, by: "session" };
  const bearer = bearerOf(request.headers);
  if (bearer === null) {
    return refuse(401, "sign in first: open the sign-in link `npm start` printed (browsers), or send `Authorization: Bearer <token>` with the token in <data>/api-token (the CLI, scripts, MCP clients)");
  }
  if (bearer && constantTimeEqual(bearer, secrets.apiToken)) return { allowed: true, by: "token" };
  if (bearer && request.pathname === AGENT_TOKEN_PATH && constantTimeEqual(bearer, secrets.agentToken)) return { allowed: true, by: "agent-token" };
  const key = clientKey(request.headers, settings.trustedProxy);
  const wait = context.limiter.retryAfterSeconds(key, context.nowMs);
  if (wait > 0) return refuse(429, `too many wrong passwords or tokens: try again in ${wait} s`, wait);
  context.limiter.recordFailure(key, context.nowMs);
  return refuse(401, bearer ? "the bearer token is wrong" : "the Authorization header must be `Bearer <token>`");
}

/**
 * Decides one request, in this order:
 * 1. `Host` must name this BooChat (403): defeats DNS rebinding.
 * 2. Requests that can change state (every method but GET/HEAD, and every /api request, since
 *    tRPC subscriptions that start work are GETs) must not come from another site (403).
 * 3. API requests with a body must say `application/json` (415): an HTML form cannot send that,
 *    and a cross-site fetch that does must pass a CORS preflight BooChat never grants.
 * 4. A valid session cookie (from the sign-in link or the password) or bearer token (the API
 *    token; opencode's own token on the MCP route only), except on the public routes: 401, 429
 *    while a client keeps guessing. There is no open mode: like Jupyter, BooChat always asks.
 */
export function decideAccess(request: AccessRequest, settings: AccessSettings, context: AccessContext): AccessDecision {
  const method = request.method.toUpperCase();
  const host = request.headers.get("host");
  if (!isAllowedHost(host, settings)) {
    return refuse(403, `the Host "${host ?? ""}" is not one BooChat serves (add it to BOOCHAT_ALLOWED_HOSTS to serve it)`);
  }
  const api = isApiPath(request.pathname);
  if (api || !SAFE_METHODS.has(method)) {
    const foreign = foreignSource(request.headers, settings);
    if (foreign) return refuse(403, `BooChat refused this request because ${foreign}`);
  }
  if (api && hasBody(method, request.headers)) {
    const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
    if (type !== "application/json") {
      return refuse(415, `BooChat's API accepts only application/json request bodies, not ${type === "" ? "a body without a Content-Type" : type}`);
    }
  }
  if (isPublicPath(request.pathname)) return { allowed: true, by: "public" };
  return credentials(request, settings, context);
}
