import { NextResponse, type NextRequest } from "next/server";
import { readAccessSettings } from "@/server/security/access-settings";
import { clientKey, getAttemptLimiter } from "@/server/security/attempt-limiter";
import { sessionCookieOptions, signIn } from "@/server/security/sign-in";

export const dynamic = "force-dynamic";

function isHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

/** POST { password, next? } → sets the session cookie and answers { ok, next }. */
export async function POST(request: NextRequest) {
  const body: unknown = await request.json().catch(() => undefined);
  const result = signIn(body ?? {}, {
    password: readAccessSettings().password,
    key: clientKey(request.headers),
    limiter: getAttemptLimiter(),
    nowMs: Date.now(),
  });
  if (!result.ok) {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (result.retryAfterSeconds !== undefined) headers["retry-after"] = String(result.retryAfterSeconds);
    return NextResponse.json({ error: { message: result.message } }, { status: result.status, headers });
  }
  const response = NextResponse.json({ ok: true, next: result.next }, { headers: { "cache-control": "no-store" } });
  response.cookies.set({ ...sessionCookieOptions(isHttps(request)), value: result.sessionValue });
  return response;
}
