import { z } from "zod";
import type { AccessSecrets } from "./access-secrets";
import { passwordProblem } from "./access-settings";
import type { AttemptLimiter } from "./attempt-limiter";
import { constantTimeEqual } from "./constant-time";
import { safeNextPath } from "./safe-next-path";
import { createSessionValue, SESSION_COOKIE, SESSION_TTL_SECONDS } from "./session-cookie";

export const signInInput = z
  .object({
    password: z.string({ error: "password: must be a string" }).optional(),
    token: z.string({ error: "token: must be a string" }).optional(),
    next: z.string().optional(),
  })
  .refine((input) => input.password !== undefined || input.token !== undefined, "give the API token (token) or the password (password)");

export type SignInResult =
  | { ok: true; next: string; sessionValue: string }
  | { ok: false; status: 400 | 401 | 429; message: string; retryAfterSeconds?: number };

export type SignInOptions = { password: string | null; secrets: AccessSecrets; key: string; limiter: AttemptLimiter; nowMs: number };

function signedIn(options: SignInOptions, next: string | undefined): SignInResult {
  const material = { apiToken: options.secrets.apiToken, epoch: options.secrets.epoch, password: options.password };
  return { ok: true, next: safeNextPath(next), sessionValue: createSessionValue(material, options.nowMs) };
}

function limited(options: SignInOptions, what: "passwords" | "tokens"): SignInResult | null {
  const wait = options.limiter.retryAfterSeconds(options.key, options.nowMs);
  return wait > 0 ? { ok: false, status: 429, message: `Too many wrong ${what}: try again in ${wait} s`, retryAfterSeconds: wait } : null;
}

/**
 * A sign-in with the API token (the sign-in link, or the token pasted): a valid token is accepted
 * before any limiting (it is 256 random bits: nobody guesses it), so nobody's wrong guesses lock the
 * user out; a wrong one counts against its client.
 */
export function signInWithToken(token: string, next: string | undefined, options: SignInOptions): SignInResult {
  if (token && constantTimeEqual(token, options.secrets.apiToken)) return signedIn(options, next);
  const wait = limited(options, "tokens");
  if (wait) return wait;
  options.limiter.recordFailure(options.key, options.nowMs);
  return { ok: false, status: 401, message: "That is not this BooChat's token: use the sign-in link `npm start` printed, or the token in <data>/api-token" };
}

/**
 * A sign-in with the password (`BOOCHAT_PASSWORD`). A password may be weak, so while the client (or
 * everyone together) has made too many wrong attempts it is not even compared: a correct guess
 * would otherwise still be told apart.
 */
export function signInWithPassword(password: string, next: string | undefined, options: SignInOptions): SignInResult {
  if (options.password === null) {
    return { ok: false, status: 400, message: "BooChat has no password (BOOCHAT_PASSWORD is not set): sign in with the link `npm start` printed, or its token" };
  }
  // npm start refuses such a password; a server started some other way still never accepts one.
  const weak = passwordProblem(options.password);
  if (weak) return { ok: false, status: 400, message: `${weak}: sign in with the link \`npm start\` printed, or its token` };
  const wait = limited(options, "passwords");
  if (wait) return wait;
  if (constantTimeEqual(password, options.password)) return signedIn(options, next);
  options.limiter.recordFailure(options.key, options.nowMs);
  return { ok: false, status: 401, message: "Wrong password" };
}

/** The sign-in form's POST: `{ token }` or `{ password }`, and where to go next. */
export function signIn(input: unknown, options: SignInOptions): SignInResult {
  const parsed = signInInput.safeParse(input);
  if (!parsed.success) return { ok: false, status: 400, message: `Invalid input: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
  const { token, password, next } = parsed.data;
  return token !== undefined ? signInWithToken(token, next, options) : signInWithPassword(password ?? "", next, options);
}

/** The Set-Cookie attributes of the session cookie; `Secure` when the app is reached over https. */
export function sessionCookieOptions(secure: boolean, maxAgeSeconds = SESSION_TTL_SECONDS) {
  return { name: SESSION_COOKIE, httpOnly: true, sameSite: "strict" as const, path: "/", secure, maxAge: maxAgeSeconds };
}

/** True when the request reached BooChat over https (directly, or through a trusted reverse proxy). */
export function isHttps(url: { protocol: string }, headers: Pick<Headers, "get">, trustedProxy: boolean): boolean {
  return url.protocol === "https:" || (trustedProxy && headers.get("x-forwarded-proto") === "https");
}
