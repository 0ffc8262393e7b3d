import { z } from "zod";
import type { AttemptLimiter } from "./attempt-limiter";
import { constantTimeEqual } from "./constant-time";
import { safeNextPath } from "./safe-next-path";
import { createSessionValue, SESSION_COOKIE, SESSION_TTL_SECONDS } from "./session-cookie";

export const signInInput = z.object({
  password: z.string({ error: "password: must be a string" }),
  next: z.string().optional(),
});

export type SignInResult =
  | { ok: true; next: string; sessionValue: string }
  | { ok: false; status: 400 | 401 | 429; message: string; retryAfterSeconds?: number };

/**
 * Checks a sign-in attempt. While `key` (the client) or everyone together has made too many wrong
 * attempts, the password is not even compared: a correct guess would otherwise still be told apart.
 */
export function signIn(
  input: unknown,
  options: { password: string | null; key: string; limiter: AttemptLimiter; nowMs: number },
): SignInResult {
  if (options.password === null) return { ok: false, status: 400, message: "BooChat runs without a password (BOOCHAT_PASSWORD is not set): there is nothing to sign in to" };
  const parsed = signInInput.safeParse(input);
  if (!parsed.success) return { ok: false, status: 400, message: `Invalid input: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
  const wait = options.limiter.retryAfterSeconds(options.key, options.nowMs);
  if (wait > 0) return { ok: false, status: 429, message: `Too many wrong passwords: try again in ${wait} s`, retryAfterSeconds: wait };
  if (!constantTimeEqual(parsed.data.password, options.password)) {
    options.limiter.recordFailure(options.key, options.nowMs);
    return { ok: false, status: 401, message: "Wrong password" };
  }
  return { ok: true, next: safeNextPath(parsed.data.next), sessionValue: createSessionValue(options.password, options.nowMs) };
}

/** The Set-Cookie attributes of the session cookie; `Secure` when the app is reached over https. */
export function sessionCookieOptions(secure: boolean, maxAgeSeconds = SESSION_TTL_SECONDS) {
  return { name: SESSION_COOKIE, httpOnly: true, sameSite: "strict" as const, path: "/", secure, maxAge: maxAgeSeconds };
}
