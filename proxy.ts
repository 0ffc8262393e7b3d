import { NextResponse, type NextRequest } from "next/server";
import { decideAccess } from "@/server/security/access-policy";
import { readAccessSettings, type AccessSettings } from "@/server/security/access-settings";
import { getAttemptLimiter } from "@/server/security/attempt-limiter";
import { refusalResponse } from "@/server/security/refusal-response";
import { SESSION_COOKIE } from "@/server/security/session-cookie";

let settings: AccessSettings | undefined;

/**
 * Every request passes here first (no matcher: pages, /api, /_next assets): Host, Origin,
 * content type and, with BOOCHAT_PASSWORD, sign-in. The rules live in server/security/access-policy.ts.
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
    { nowMs: Date.now(), limiter: getAttemptLimiter() },
  );
  if (decision.allowed) return NextResponse.next();
  return refusalResponse(decision, request.nextUrl, request.headers.get("accept"));
}
