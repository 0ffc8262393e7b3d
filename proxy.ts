import { NextResponse, type NextRequest } from "next/server";
import { getAccessSecrets } from "@/server/security/access-secrets";
import { decideAccess } from "@/server/security/access-policy";
import { readAccessSettings, type AccessSettings } from "@/server/security/access-settings";
import { clientKey, getAttemptLimiter } from "@/server/security/attempt-limiter";
import { FRAMING_HEADERS } from "@/server/security/framing";
import { refusalResponse } from "@/server/security/refusal-response";
import { SESSION_COOKIE } from "@/server/security/session-cookie";
import { isHttps, sessionCookieOptions, signInWithToken } from "@/server/security/sign-in";

let settings: AccessSettings | undefined;

function withFraming<T extends Response>(response: T): T {
  for (const [name, value] of Object.entries(FRAMING_HEADERS)) response.headers.set(name, value);
  return response;
}

/**
 * The sign-in link `npm start` prints (`/sign-in?token=<token>`): a valid token sets the session
 * cookie; either way the browser is sent on at once without the token in its address bar (and the
 * answer carries no Referer onwards).
 */
function signInLink(request: NextRequest, current: AccessSettings): NextResponse {
  const result = signInWithToken(request.nextUrl.searchParams.get("token") ?? "", request.nextUrl.searchParams.get("next") ?? undefined, {
    password: current.password,
    secrets: getAccessSecrets(current.dataDir),
    key: clientKey(request.headers, current.trustedProxy),
    limiter: getAttemptLimiter(),
    nowMs: Date.now(),
  });
  const target = new URL(result.ok ? result.next : `/sign-in?link=${result.status === 429 ? "limited" : "invalid"}`, request.nextUrl);
  const response = NextResponse.redirect(target, 303);
  response.headers.set("cache-control", "no-store");
  response.headers.set("referrer-policy", "no-referrer");
  if (result.ok) response.cookies.set({ ...sessionCookieOptions(isHttps(request.nextUrl, request.headers, current.trustedProxy)), value: result.sessionValue });
  return response;
}

/**
 * Every request passes here first (no matcher: pages, /api, /_next assets): Host, Origin, content
 * type, and a session cookie or token. The rules live in server/security/access-policy.ts.
 */
export function proxy(request: NextRequest) {
  settings ??= readAccessSettings();
  const decision = decideAccess(
    {
      method: request.method,
      pathname: request.nextUrl.pathname,
      headers: request.headers,
      sessionCookie: request.cookies.get(SESSION_COOKIE)?.value,
    },
    settings,
    { nowMs: Date.now(), limiter: getAttemptLimiter(), secrets: getAccessSecrets(settings.dataDir) },
  );
  if (!decision.allowed) return withFraming(refusalResponse(decision, request.nextUrl, request.headers.get("accept")));
  if (request.nextUrl.pathname === "/sign-in" && request.nextUrl.searchParams.has("token")) return withFraming(signInLink(request, settings));
  return withFraming(NextResponse.next());
}
