import { describe, expect, it } from "vitest";
import { decideAccess, type AccessRequest } from "../../server/security/access-policy";
import { isLoopbackAddress, readAccessSettings } from "../../server/security/access-settings";
import { apiTokenFromPassword } from "../../server/security/api-token";
import { createAttemptLimiter } from "../../server/security/attempt-limiter";
import { isAllowedHost, isOwnOrigin } from "../../server/security/host-check";
import { refusalResponse } from "../../server/security/refusal-response";
import { safeNextPath } from "../../server/security/safe-next-path";
import { createSessionValue, isValidSessionValue } from "../../server/security/session-cookie";
import { signIn } from "../../server/security/sign-in";

const local = readAccessSettings({ PORT: "3000" });
const withPassword = readAccessSettings({ PORT: "3000", BOOCHAT_PASSWORD: "hunter2 hunter2" });
const NOW = Date.UTC(2026, 0, 1);

function request(method: string, pathname: string, headers: Record<string, string> = {}, sessionCookie?: string): AccessRequest {
  return { method, pathname, headers: new Headers({ host: "127.0.0.1:3000", ...headers }), sessionCookie };
}

function decide(req: AccessRequest, settings = local, limiter = createAttemptLimiter()) {
  return decideAccess(req, settings, { nowMs: NOW, limiter });
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
    expect(isAllowedHost("192.168.1.5:3000", readAccessSettings({ PORT: "3000", HOST: "192.168.1.5", BOOCHAT_PASSWORD: "x" }))).toBe(true);
    expect(isAllowedHost("0.0.0.0:3000", readAccessSettings({ PORT: "3000", HOST: "0.0.0.0", BOOCHAT_PASSWORD: "x" }))).toBe(false);
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
    expect(decide(request("GET", "/", { referer: "http://evil.example/", "sec-fetch-site": "cross-site" }))).toEqual({ allowed: true, by: "no-password" });
  });

  it("allows its own origin and clients that are not browsers (no Origin, Referer or Sec-Fetch-Site)", () => {
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://127.0.0.1:3000", ...json }))).toMatchObject({ allowed: true });
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin", ...json }))).toMatchObject({ allowed: true });
    expect(decide(request("POST", "/api/mcp", json))).toMatchObject({ allowed: true });
  });

  it("answers 415 to an API body that is not application/json (an HTML form's text/plain, urlencoded or multipart)", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const decision = decide(request("POST", "/api/trpc/session.create", { origin: "http://127.0.0.1:3000", "content-type": type }));
      expect(decision).toMatchObject({ allowed: false, status: 415 });
    }
    expect(decide(request("POST", "/api/trpc/session.create", {}))).toMatchObject({ status: 415 });
    expect(decide(request("POST", "/api/mcp", { "content-type": "application/json; charset=utf-8" }))).toMatchObject({ allowed: true });
    expect(decide(request("DELETE", "/api/mcp", {}))).toMatchObject({ allowed: true });
  });
});

describe("with BOOCHAT_PASSWORD", () => {
  const token = apiTokenFromPassword("hunter2 hunter2");

  it("answers 401 without a cookie or token, except on sign-in, health and static assets", () => {
    for (const path of ["/", "/sessions/abc", "/api/trpc/session.list", "/api/mcp"]) expect(decide(request("GET", path), withPassword), path).toMatchObject({ status: 401 });
    for (const path of ["/sign-in", "/api/health", "/_next/static/chunks/app.js", "/favicon.ico", "/icon-192.png", "/manifest.webmanifest"]) {
      expect(decide(request("GET", path), withPassword), path).toEqual({ allowed: true, by: "public" });
    }
  });

  it("accepts a valid session cookie and the password-derived bearer token, and refuses others", () => {
    const cookie = createSessionValue("hunter2 hunter2", NOW);
    expect(decide(request("GET", "/", {}, cookie), withPassword)).toEqual({ allowed: true, by: "session" });
    expect(decide(request("GET", "/", { authorization: `Bearer ${token}` }), withPassword)).toEqual({ allowed: true, by: "token" });
    expect(decide(request("GET", "/", {}, createSessionValue("another password", NOW)), withPassword)).toMatchObject({ status: 401 });
    expect(decide(request("GET", "/", { authorization: "Bearer nope" }), withPassword)).toMatchObject({ status: 401, reason: "the bearer token is wrong" });
    expect(decide(request("GET", "/", { authorization: `Basic ${token}` }), withPassword)).toMatchObject({ status: 401 });
  });

  it("still checks Host and Origin before credentials", () => {
    expect(decide(request("GET", "/", { host: "evil.example", authorization: `Bearer ${token}` }), withPassword)).toMatchObject({ status: 403 });
    expect(decide(request("POST", "/api/trpc/session.create", { origin: "http://evil.example", authorization: `Bearer ${token}`, ...json }), withPassword)).toMatchObject({ status: 403 });
  });

  it("answers 429 after too many wrong tokens from one client, even to the right token", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 3, globalMax: 100, windowMs: 60_000 });
    const from = (auth: string) => request("GET", "/api/trpc/session.list", { authorization: auth, "x-forwarded-for": "10.0.0.1" });
    for (let i = 0; i < 3; i++) expect(decide(from("Bearer wrong"), withPassword, limiter)).toMatchObject({ status: 401 });
    expect(decide(from(`Bearer ${token}`), withPassword, limiter)).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    // Another client is not blocked by the first one's failures.
    expect(decide(request("GET", "/", { authorization: `Bearer ${token}`, "x-forwarded-for": "10.0.0.2" }), withPassword, limiter)).toMatchObject({ allowed: true });
  });
});

describe("session cookie", () => {
  it("is valid until it expires, for the password that signed it only, and not when tampered with", () => {
    const value = createSessionValue("pw", NOW, 60);
    expect(isValidSessionValue("pw", value, NOW + 59_000)).toBe(true);
    expect(isValidSessionValue("pw", value, NOW + 61_000)).toBe(false);
    expect(isValidSessionValue("changed", value, NOW)).toBe(false);
    const [v, , nonce, sig] = value.split(".");
    expect(isValidSessionValue("pw", `${v}.${Math.floor(NOW / 1000) + 999_999}.${nonce}.${sig}`, NOW)).toBe(false);
    expect(isValidSessionValue("pw", "garbage", NOW)).toBe(false);
    expect(isValidSessionValue("pw", undefined, NOW)).toBe(false);
  });
});

describe("sign-in", () => {
  it("signs in with the password, refuses a wrong one, and rate-limits wrong attempts (then even the right one)", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 2, globalMax: 100, windowMs: 60_000 });
    const options = { password: "pw", key: "10.0.0.1", limiter, nowMs: NOW };
    const ok = signIn({ password: "pw", next: "/sessions/a?tab=b" }, options);
    expect(ok).toMatchObject({ ok: true, next: "/sessions/a?tab=b" });
    if (ok.ok) expect(isValidSessionValue("pw", ok.sessionValue, NOW)).toBe(true);
    expect(signIn({ password: "nope" }, options)).toMatchObject({ ok: false, status: 401, message: "Wrong password" });
    expect(signIn({ password: "nope" }, options)).toMatchObject({ ok: false, status: 401 });
    expect(signIn({ password: "pw" }, options)).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 60 });
    expect(signIn({ password: "pw" }, { ...options, nowMs: NOW + 60_001 })).toMatchObject({ ok: true });
  });

  it("caps wrong attempts over all clients, so forged addresses buy no extra guesses", () => {
    const limiter = createAttemptLimiter({ perKeyMax: 5, globalMax: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) signIn({ password: "nope" }, { password: "pw", key: `198.51.100.${i}`, limiter, nowMs: NOW });
    expect(signIn({ password: "pw" }, { password: "pw", key: "198.51.100.200", limiter, nowMs: NOW })).toMatchObject({ status: 429 });
  });

  it("says what is wrong with bad input, and that there is nothing to sign in to without a password", () => {
    const limiter = createAttemptLimiter();
    expect(signIn({}, { password: "pw", key: "k", limiter, nowMs: NOW })).toMatchObject({ status: 400, message: expect.stringContaining("password") });
    expect(signIn({ password: "x" }, { password: null, key: "k", limiter, nowMs: NOW })).toMatchObject({ status: 400, message: expect.stringContaining("BOOCHAT_PASSWORD") });
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

it("start.mjs and the server agree on what loopback is", async () => {
  // @ts-expect-error scripts/lib.mjs is plain JavaScript (it runs before dependencies are installed)
  const lib = (await import("../../scripts/lib.mjs")) as { isLoopbackAddress: (host: string) => boolean };
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.evil.example"]) {
    expect(lib.isLoopbackAddress(host), host).toBe(isLoopbackAddress(host));
  }
  expect(isLoopbackAddress("0.0.0.0")).toBe(false);
  expect(isOwnOrigin("http://127.0.0.1:3000", local)).toBe(true);
});
