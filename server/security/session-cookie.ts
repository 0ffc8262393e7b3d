import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqual } from "./constant-time";

/** The browser's session cookie: HTTP-only, SameSite=Strict, Path=/ (set by the sign-in route). */
export const SESSION_COOKIE = "boochat_session";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * The signing key comes from the password, so sessions survive a restart with the same password
 * and a changed password ends every session. The label versions the derivation and keeps the key
 * apart from the API token (`api-token.ts`), which is derived from the same password.
 */
function sessionKey(password: string): Buffer {
  return createHmac("sha256", password).update("boochat-session-key-v1").digest();
}

function sign(password: string, payload: string): string {
  return createHmac("sha256", sessionKey(password)).update(payload).digest("base64url");
}

/** A new cookie value: `v1.<expires at, unix seconds>.<nonce>.<signature>`. */
export function createSessionValue(password: string, nowMs: number, ttlSeconds = SESSION_TTL_SECONDS): string {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  const payload = `v1.${expires}.${randomBytes(12).toString("base64url")}`;
  return `${payload}.${sign(password, payload)}`;
}

/** True when the value was signed with this password and has not expired. */
export function isValidSessionValue(password: string, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const parts = value.split(".");
  if (parts.length !== 4 || parts[0] !== "v1") return false;
  const [version, expires, nonce, signature] = parts as [string, string, string, string];
  if (!constantTimeEqual(sign(password, `${version}.${expires}.${nonce}`), signature)) return false;
  return /^\d+$/.test(expires) && Number(expires) * 1000 > nowMs;
}
