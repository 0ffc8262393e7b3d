import { NextResponse, type NextRequest } from "next/server";
import { getAccessSecrets } from "@/server/security/access-secrets";
import { readAccessSettings } from "@/server/security/access-settings";
import { clientKey, getAttemptLimiter } from "@/server/security/attempt-limiter";
import { isHttps, sessionCookieOptions, signIn } from "@/server/security/sign-in";

export const dynamic = "force-dynamic";

/** POST { token } or { password }, and next? → sets the session cookie and answers { ok, next }. */
export async function POST(request: NextRequest) {
  const settings = readAccessSettings();
  const body: unknown = await request.json().catch(() => undefined);
  const result = signIn(body ?? {}, {
    password: settings.password,
    secrets: getAccessSecrets(settings.dataDir),
    key: clientKey(request.headers, settings.trustedProxy),
    limiter: getAttemptLimiter(),
    nowMs: Date.now(),
  });
  if (!result.ok) {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (result.retryAfterSeconds !== undefined) headers["retry-after"] = String(result.retryAfterSeconds);
    return NextResponse.json({ error: { message: result.message } }, { status: result.status, headers });
  }
  const response = NextResponse.json({ ok: true, next: result.next }, { headers: { "cache-control": "no-store" } });
  response.cookies.set({ ...sessionCookieOptions(isHttps(request.nextUrl, request.headers, settings.trustedProxy)), value: result.sessionValue });
  return response;
}
