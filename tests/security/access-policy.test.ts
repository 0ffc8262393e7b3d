import { describe, expect, it } from "vitest";
import { decideAccess, type AccessRequest } from "../../server/security/access-policy";
import { isLoopbackAddress, MIN_PASSWORD_LENGTH, passwordProblem, readAccessSettings } from "../../server/security/access-settings";
import { createAttemptLimiter } from "../../server/security/attempt-limiter";
import { isAllowedHost, isOwnOrigin } from "../../server/security/host-check";
import { refusalResponse } from "../../server/security/refusal-response";
import { safeNextPath } from "../../server/security/safe-next-path";
import { createSessionValue, isValidSessionValue } from "../../server/security/session-cookie";
import { signIn, signInWithToken } from "../../server/security/sign-in";

const local = readAccessSettings({ PORT: "3000" });
const withPassword = readAccessSettings({ PORT: "3000", BOOCHAT_PASSWORD: "hunter2 hunter2" });
const NOW = Date.UTC(2026, 0, 1);
const secrets = { apiToken: "t".repeat(43), epoch: 3, agentToken: "a".repeat(43) };
const token = secrets.apiToken;
const material = { apiToken: token, epoch: 3, password: null };
const auth = { authorization: `Bearer ${token}` };

function request(method: string, pathname: string, headers: Record<string, string> = {}, sessionCookie?: string): AccessRequest {
  return { method, pathname, headers: new Headers({ host: "127.0.0.1:3000", ...headers }), sessionCookie };
}

function decide(req: AccessRequest, settings = local, limiter = createAttemptLimiter()) {
  return decideAccess(req, settings, { nowMs: NOW, limiter, secrets });
}

const json = { "content-type": "application/json" };

describe("Host", () => {
  it("serves the loopback names with the app's port, and names listed in BOOCHAT_ALLOWED_HOSTS", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LOCALHOST:3000"]) expect(isAllowedHost(host, local)).toBe(true);
    const listed = readAccessSettings({ PORT: "3000", BOOCHAT_ALLOWED_HOSTS: "boochat.lan, box.example:8443" });
    expect(isAllowedHost("boochat.lan", listed)).toBe(true);
    expect(isAllowedHost("boochat.lan:9999", listed)).toBe(true);
    expect(isAllowedHost("box.example:8443", listed)).toBe(true);
    expect(isAllowedHost("box.example:8444", listed)).toBe(false);
  });

  it("refuses other names, other ports, and malformed or missing hosts", () => {
    for (const host of ["evil.example", "evil.example:3000", "127.0.0.1:3001", "localhost", "127.0.0.1.evil.example:3000", "a b", "", "[::1]:99999"]) {
      expect(isAllowedHost(host, local), host).toBe(false);
    }
    expect(isAllowedHost(null, local)).toBe(false);
  });

  it("serves the HOST address itself, but not every name when HOST is a wildcard", () => {
    expect(isAllowedHost("192.168.1.5:3000", readAccessSettings({ PORT: "3000", HOST: "192.168.1.5" }))).toBe(true);
    expect(isAllowedHost("0.0.0.0:3000", readAccessSettings({ PORT: "3000", HOST: "0.0.0.0" }))).toBe(false);
  });

  it("answers 403 naming the host, for pages, queries, mutations and /api/mcp alike", () => {
    for (const [method, path] of [["GET", "/"], ["GET", "/api/trpc/session.list"], ["POST", "/api/trpc/session.create"], ["POST", "/api/mcp"], ["GET", "/_next/static/chunks/a.js"]] as const) {
      const decision = decide(request(method, path, { host: "evil.example", ...json }));
      expect(decision).toMatchObject({ allowed: false, status: 403 });
      if (!decision.allowed) expect(decision.reason).toContain('"evil.example"');
    }
  });
});

describe("Origin and content type", () => {
  it("refuses a mutation from another site by Origin, by Referer, or by Sec-Fetch-Site", () => {
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://evil.example", ...json }))).toMatchObject({ status: 403 });
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "null", ...json }))).toMatchObject({ status: 403 });
    expect(decide(request("POST", "/api/trpc/session.create", { referer: "http://evil.example/page", ...json }))).toMatchObject({ status: 403 });
    expect(decide(request("POST", "/api/trpc/session.create", { "sec-fetch-site": "cross-site", ...json }))).toMatchObject({ status: 403 });
    // Another port on localhost is another origin (a different local web app).
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://localhost:8080", ...json }))).toMatchObject({ status: 403 });
  });

  it("refuses a cross-site subscription (a GET under /api) but lets anyone open a page by a link", () => {
    expect(decide(request("GET", "/api/trpc/chat.events", { origin: "http://evil.example" }))).toMatchObject({ status: 403 });
    expect(decide(request("GET", "/", { referer: "http://evil.example/", "sec-fetch-site": "cross-site", ...auth }))).toEqual({ allowed: true, by: "token" });
  });

  it("allows its own origin and clients that are not browsers (no Origin, Referer or Sec-Fetch-Site)", () => {
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://127.0.0.1:3000", ...json, ...auth }))).toMatchObject({ allowed: true });
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", ...json, ...auth }))).toMatchObject({
      allowed: true,
    });
    expect(decide(request("POST", "/api/mcp", { ...json, ...auth }))).toMatchObject({ allowed: true });
  });

  it("answers 415 to an API body that is not application/json (an HTML form's text/plain, urlencoded or multipart)", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const decision = decide(request("POST", "/api/trpc/session.create", { origin: "http://127.0.0.1:3000", "content-type": type }));
      expect(decision).toMatchObject({ allowed: false, status: 415 });
    }
    expect(decide(request("POST", "/api/trpc/session.create", {}))).toMatchObject({ status: 415 });
    expect(decide(request("POST", "/api/mcp", { "content-type": "application/json; charset=utf-8", ...auth }))).toMatchObject({ allowed: true });
    expect(decide(request("DELETE", "/api/mcp", auth))).toMatchObject({ allowed: true });
  });
});

describe("credentials: BooChat always asks", () => {
  it("answers 401 without a cookie or token, with or without a password, except on sign-in, health and public assets", () => {
    for (const settings of [local, withPassword]) {
      for (const path of ["/", "/sessions/abc", "/api/trpc/session.list", "/api/mcp", "/api/auth/sign-out"]) {
        expect(decide(request("GET", path), settings), path).toMatchObject({ status: 401 });
      }
      for (const path of ["/sign-in", "/api/health", "/_next/static/chunks/app.js", "/favicon.ico", "/icon-192.png", "/manifest.webmanifest"]) {
        expect(decide(request("GET", path), settings), path).toEqual({ allowed: true, by: "public" });
      }
    }
  });

  it("accepts a valid session cookie and the API token, and refuses others", () => {
    const cookie = createSessionValue(material, NOW);
    expect(decide(request("GET", "/", {}, cookie))).toEqual({ allowed: true, by: "session" });
    expect(decide(request("GET", "/", auth))).toEqual({ allowed: true, by: "token" });
    expect(decide(request("GET", "/", {}, createSessionValue({ ...material, apiToken: "another token".repeat(4) }, NOW)))).toMatchObject({ status: 401 });
    expect(decide(request("GET", "/", { authorization: "Bearer nope" }))).toMatchObject({ status: 401, reason: "the bearer token is wrong" });
    expect(decide(request("GET", "/", { authorization: `Basic ${token}` }))).toMatchObject({ status: 401 });
  });

  it("takes opencode's agent token on the MCP route only", () => {
    const agent = { authorization: `Bearer ${secrets.agentToken}` };
    expect(decide(request("POST", "/api/mcp", { ...agent, ...json }))).toEqual({ allowed: true, by: "agent-token" });
    for (const path of ["/api/trpc/session.list", "/", "/api/mcp/other"]) expect(decide(request("GET", path, agent)), path).toMatchObject({ status: 401 });
  });

  it("ends every cookie when the epoch moves on (sign out everywhere) or the password changes", () => {
    const signedWithPassword = createSessionValue({ ...material, password: "hunter2 hunter2" }, NOW);
    expect(decide(request("GET", "/", {}, signedWithPassword), withPassword)).toEqual({ allowed: true, by: "session" });
    expect(decideAccess(request("GET", "/", {}, signedWithPassword), withPassword, { nowMs: NOW, limiter: createAttemptLimiter(), secrets: { ...secrets, epoch: 4 } })).toMatchObject({
      status: 401,
    });
    expect(decide(request("GET", "/", {}, signedWithPassword), readAccessSettings({ PORT: "3000", BOOCHAT_PASSWORD: "a new password!" }))).toMatchObject({ status: 401 });
  });

  it("still checks Host and Origin before credentials", () => {
    expect(decide(request("GET", "/", { host: "evil.example", ...auth }))).toMatchObject({ status: 403 });
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://evil.example", ...auth, ...json }))).toMatchObject({ status: 403 });
  });

  it("never locks out a valid token or cookie, however many wrong guesses strangers made", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 3, globalMax: 5, windowMs: 60_000 });
    const from = (authorization: string) => request("GET", "/api/trpc/session.list", { authorization });
    for (let i = 0; i < 3; i++) expect(decide(from("Bearer wrong"), local, limiter)).toMatchObject({ status: 401 });
    expect(decide(from("Bearer wrong"), local, limiter)).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    expect(decide(from(`Bearer ${token}`), local, limiter)).toEqual({ allowed: true, by: "token" });
    expect(decide(request("GET", "/", {}, createSessionValue(material, NOW)), local, limiter)).toEqual({ allowed: true, by: "session" });
  });

  it("counts wrong guesses per client only behind a trusted proxy (X-Forwarded-For is otherwise whatever a client sent)", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 2, globalMax: 100, windowMs: 60_000 });
    const behindProxy = readAccessSettings({ PORT: "3000", BOOCHAT_TRUSTED_PROXY: "1" });
    const from = (ip: string, settings = local) => decide(request("GET", "/", { authorization: "Bearer wrong", "x-forwarded-for": ip }), settings, limiter);
    from("10.0.0.1");
    from("10.0.0.2");
    // Untrusted: both forged addresses count as one client, which is now over its limit.
    expect(from("10.0.0.3")).toMatchObject({ status: 429 });
    const trusted = createAttemptLimiter({ perKeyMax: 2, globalMax: 100, windowMs: 60_000 });
    for (const ip of ["10.0.0.1", "10.0.0.1"]) decide(request("GET", "/", { authorization: "Bearer wrong", "x-forwarded-for": ip }), behindProxy, trusted);
    expect(decide(request("GET", "/", { authorization: "Bearer wrong", "x-forwarded-for": "10.0.0.1" }), behindProxy, trusted)).toMatchObject({ status: 429 });
    expect(decide(request("GET", "/", { authorization: "Bearer wrong", "x-forwarded-for": "10.0.0.2" }), behindProxy, trusted)).toMatchObject({ status: 401 });
  });
});

describe("session cookie", () => {
  it("is valid until it expires, for the material that signed it only, and not when tampered with", () => {
    const value = createSessionValue(material, NOW, 60);
    expect(isValidSessionValue(material, value, NOW + 59_000)).toBe(true);
    expect(isValidSessionValue(material, value, NOW + 61_000)).toBe(false);
    expect(isValidSessionValue({ ...material, password: "changed" }, value, NOW)).toBe(false);
    expect(isValidSessionValue({ ...material, epoch: 4 }, value, NOW)).toBe(false);
    const [v, , nonce, sig] = value.split(".");
    expect(isValidSessionValue(material, `${v}.${Math.floor(NOW / 1000) + 999_999}.${nonce}.${sig}`, NOW)).toBe(false);
    expect(isValidSessionValue(material, "garbage", NOW)).toBe(false);
    expect(isValidSessionValue(material, undefined, NOW)).toBe(false);
  });
});

describe("sign-in", () => {
  const options = (limiter = createAttemptLimiter(), password: string | null = "correct horse battery") => ({ password, secrets, key: "k", limiter, nowMs: NOW });

  it("signs in with the API token, accepted before any limit; a wrong token counts", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 1, globalMax: 100, windowMs: 60_000 });
    expect(signInWithToken("wrong", undefined, options(limiter))).toMatchObject({ ok: false, status: 401 });
    expect(signInWithToken("wrong", undefined, options(limiter))).toMatchObject({ ok: false, status: 429 });
    const ok = signInWithToken(token, "/sessions/a", options(limiter));
    expect(ok).toMatchObject({ ok: true, next: "/sessions/a" });
    if (ok.ok) expect(isValidSessionValue({ ...material, password: "correct horse battery" }, ok.sessionValue, NOW)).toBe(true);
  });

  it("signs in with the password, refuses a wrong one, and rate-limits wrong attempts (then even the right one)", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 2, globalMax: 100, windowMs: 60_000 });
    const ok = signIn({ password: "correct horse battery", next: "/sessions/a?tab=b" }, options(limiter));
    expect(ok).toMatchObject({ ok: true, next: "/sessions/a?tab=b" });
    expect(signIn({ password: "nope" }, options(limiter))).toMatchObject({ ok: false, status: 401, message: "Wrong password" });
    expect(signIn({ password: "nope" }, options(limiter))).toMatchObject({ ok: false, status: 401 });
    expect(signIn({ password: "correct horse battery" }, options(limiter))).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 60 });
    expect(signIn({ password: "correct horse battery" }, { ...options(limiter), nowMs: NOW + 60_001 })).toMatchObject({ ok: true });
  });

  it("says what is wrong with bad input, and that there is no password to sign in with when none is set", () => {
    expect(signIn({}, options())).toMatchObject({ status: 400, message: expect.stringContaining("token") });
    expect(signIn({ password: "x" }, options(createAttemptLimiter(), null))).toMatchObject({ status: 400, message: expect.stringContaining("BOOCHAT_PASSWORD") });
    expect(signIn({ token }, options(createAttemptLimiter(), null))).toMatchObject({ ok: true });
  });

  it("refuses a password shorter than 12 characters", () => {
    expect(passwordProblem("short pw")).toBe("BOOCHAT_PASSWORD must be at least 12 characters long (it has 8)");
    expect(passwordProblem("twelve chars")).toBeNull();
    expect(passwordProblem(null)).toBeNull();
    // A server started some other way than npm start still never takes one.
    expect(signIn({ password: "short pw" }, { password: "short pw", secrets, key: "k", limiter: createAttemptLimiter(), nowMs: NOW })).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("at least 12 characters"),
    });
  });

  it("only ever sends the browser on to a path of this site", () => {
    expect(safeNextPath("/sessions/x?tab=1")).toBe("/sessions/x?tab=1");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "", null]) expect(safeNextPath(bad)).toBe("/");
  });
});

describe("refusals", () => {
  it("answer the API in JSON and browsers with a page; a page that needs a sign-in leads to /sign-in", async () => {
    const api = refusalResponse({ allowed: false, status: 403, reason: "no" }, { pathname: "/api/trpc/x", search: "" }, "text/html");
    expect(api.headers.get("content-type")).toContain("application/json");
    expect(await api.json()).toEqual({ error: { code: "FORBIDDEN", message: "no" } });
    const page = refusalResponse({ allowed: false, status: 401, reason: "sign in" }, { pathname: "/sessions/a", search: "?tab=b" }, "text/html,*/*");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("/sign-in?next=%2Fsessions%2Fa%3Ftab%3Db");
  });
});

it("start.mjs and the server agree on what loopback is and how long a password must be", async () => {
  // @ts-expect-error scripts/lib.mjs is plain JavaScript (it runs before dependencies are installed)
  const lib = (await import("../../scripts/lib.mjs")) as { isLoopbackAddress: (host: string) => boolean; MIN_PASSWORD_LENGTH: number };
  expect(lib.MIN_PASSWORD_LENGTH).toBe(MIN_PASSWORD_LENGTH);
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.evil.example"]) {
    expect(lib.isLoopbackAddress(host), host).toBe(isLoopbackAddress(host));
  }
  expect(isLoopbackAddress("0.0.0.0")).toBe(false);
  expect(isOwnOrigin("http://127.0.0.1:3000", local)).toBe(true);
});
