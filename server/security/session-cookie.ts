import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqual } from "./constant-time";

/** The browser's session cookie: HTTP-only, SameSite=Strict, Path=/ (set by a sign-in). */
export const SESSION_COOKIE = "boochat_session";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

/** What signs a cookie: the API token, the session epoch, and the password when there is one. */
export type CookieKeyMaterial = { apiToken: string; epoch: number; password: string | null };

/**
 * The key changes with each part: a new API token, a sign-out (the epoch) or a changed password
 * ends every session; a restart with the same ones keeps them. The label versions the derivation.
 */
function sessionKey(material: CookieKeyMaterial): Buffer {
  return createHmac("sha256", material.apiToken).update(`boochat-session-key-v2|${material.epoch}|${material.password ?? ""}`).digest();
}

function sign(material: CookieKeyMaterial, payload: string): string {
  return createHmac("sha256", sessionKey(material)).update(payload).digest("base64url");
}

/** A new cookie value: `v2.<expires at, unix seconds>.<nonce>.<signature>`. */
export function createSessionValue(material: CookieKeyMaterial, nowMs: number, ttlSeconds = SESSION_TTL_SECONDS): string {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  const payload = `v2.${expires}.${randomBytes(12).toString("base64url")}`;
  return `${payload}.${sign(material, payload)}`;
}

/** True when the value was signed with this material and has not expired. */
export function isValidSessionValue(material: CookieKeyMaterial, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const parts = value.split(".");
  if (parts.length !== 4 || parts[0] !== "v2") return false;
  const [version, expires, nonce, signature] = parts as [string, string, string, string];
  if (!constantTimeEqual(sign(material, `${version}.${expires}.${nonce}`), signature)) return false;
  return /^\d+$/.test(expires) && Number(expires) * 1000 > nowMs;
}
