import { NextResponse, type NextRequest } from "next/server";
import { advanceSessionEpoch } from "@/server/security/access-secrets";
import { readAccessSettings } from "@/server/security/access-settings";
import { isHttps, sessionCookieOptions } from "@/server/security/sign-in";

export const dynamic = "force-dynamic";

/**
 * POST → signs out everywhere: the session epoch in the data folder moves on, so every cookie signed
 * before (this browser's and any other's) stops being valid at once, and this one is cleared.
 */
export function POST(request: NextRequest) {
  const settings = readAccessSettings();
  advanceSessionEpoch(settings.dataDir);
  const response = NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
  response.cookies.set({ ...sessionCookieOptions(isHttps(request.nextUrl, request.headers, settings.trustedProxy), 0), value: "" });
  return response;
}
