import { NextResponse, type NextRequest } from "next/server";
import { sessionCookieOptions } from "@/server/security/sign-in";

export const dynamic = "force-dynamic";

/** POST → clears the session cookie. (The cookie is signed, not stored: changing BOOCHAT_PASSWORD ends every session.) */
export function POST(request: NextRequest) {
  const response = NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
  const secure = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  response.cookies.set({ ...sessionCookieOptions(secure, 0), value: "" });
  return response;
}
