import fs from "node:fs";
import path from "node:path";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/trpc/routers/_app";
import { e2eApiToken, expect, test } from "./fixtures";
import { startPasswordApp, type PasswordApp } from "./support/password-app";
import { rawRequest, trpcPaths } from "./support/raw-http";
import { DELEGATE_MARKER, DELEGATED_REPLY } from "./support/scripted-model-script";

// A second BooChat with BOOCHAT_PASSWORD, started by scripts/start.mjs like `npm start` would.
const PASSWORD = "correct horse battery staple";
const port = Number(process.env.BOOCHAT_E2E_PASSWORD_PORT ?? 3117);
const sidecarPort = Number(process.env.BOOCHAT_E2E_PASSWORD_SIDECAR_PORT ?? 4417);
let app: PasswordApp;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(150_000);
  // The e2e scripted model (started by playwright.config.ts) serves this app's opencode too.
  const modelPort = process.env.BOOCHAT_E2E_MODEL_PORT ?? "4396";
  app = await startPasswordApp({
    password: PASSWORD,
    port,
    sidecarPort,
    // Behind a trusted proxy, X-Forwarded-For names the client: the rate-limit test sends one.
    env: { BOOCHAT_MODEL_BASE_URL: `http://127.0.0.1:${modelPort}/v1`, BOOCHAT_MODEL: "mock-1", BOOCHAT_MODEL_API_KEY: "e2e", BOOCHAT_TRUSTED_PROXY: "1" },
  });
});

test.afterAll(async () => {
  await app?.stop();
});

const host = () => `127.0.0.1:${port}`;
/** The password app's own API token (random, in its data folder; not derived from the password). */
const apiToken = () => e2eApiToken(app.dataDir);

function typedClient(token: string | null) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${app.url}/api/trpc`, transformer: superjson, headers: token === null ? {} : { authorization: `Bearer ${token}` } })],
  });
}

test("without a cookie or token every route answers 401, except sign-in, health and static assets", async () => {
  const refused = [
    { method: "GET", path: "/" },
    { method: "GET", path: "/sessions/some-session" },
    { method: "GET", path: trpcPaths.query("session.list") },
    { method: "POST", path: trpcPaths.mutation("session.create"), body: trpcPaths.mutationBody({ title: "anonymous" }) },
    { method: "POST", path: "/api/mcp", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) },
    { method: "POST", path: "/api/auth/not-a-route", body: "{}" },
  ];
  for (const r of refused) {
    const response = await rawRequest(port, { ...r, headers: { host: host(), "content-type": "application/json" } });
    expect(response.status, `${r.method} ${r.path}`).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="BooChat"');
  }
  // A browser asking for a page gets a page that sends it to the sign-in.
  const page = await rawRequest(port, { path: "/sessions/abc?tab=t1", headers: { host: host(), accept: "text/html" } });
  expect(page.status).toBe(401);
  expect(page.body).toContain('url=/sign-in?next=%2Fsessions%2Fabc%3Ftab%3Dt1"');

  const signIn = await rawRequest(port, { path: "/sign-in", headers: { host: host(), accept: "text/html" } });
  expect(signIn.status).toBe(200);
  const health = await rawRequest(port, { path: "/api/health", headers: { host: host() } });
  expect(health.status).toBe(200);
  expect(JSON.parse(health.body)).toEqual({ ok: true });
  const asset = /\/_next\/static\/[^"']+\.js/.exec(signIn.body)?.[0];
  expect(asset).toBeDefined();
  expect((await rawRequest(port, { path: asset ?? "", headers: { host: host() } })).status).toBe(200);
  // Host is checked before anything else, with or without a password.
  expect((await rawRequest(port, { path: "/sign-in", headers: { host: "evil.example" } })).status).toBe(403);
});

test("the browser signs in with the password and gets an HTTP-only, SameSite=Strict session cookie", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto("/sessions/does-not-matter");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsessions%2Fdoes-not-matter$/);

  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong password" })).toBeVisible();

  await page.goto("/sign-in?next=%2F");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${app.url}/`);
  await expect(page.getByRole("heading", { name: "No session selected" })).toBeVisible();

  const cookie = (await context.cookies()).find((c) => c.name === "boochat_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("boochat_session");

  // Signed in, the app works: a session created through the UI (a tRPC mutation with the cookie).
  await page.getByRole("button", { name: "New session" }).click();
  const dialog = page.getByRole("dialog", { name: "New session" });
  await dialog.getByLabel("Title").fill("Signed-in work");
  await dialog.getByRole("button", { name: "Create session" }).click();
  await expect(page.getByRole("heading", { name: "Signed-in work" })).toBeVisible();

  // Another browser signed in with the link; signing out in the first ends both (sign out everywhere).
  const other = await browser.newContext({ baseURL: app.url });
  const otherPage = await other.newPage();
  await otherPage.goto(`/sign-in?token=${encodeURIComponent(apiToken())}`);
  await expect(otherPage.getByRole("heading", { name: "No session selected" })).toBeVisible();
  const out = await page.evaluate(async () => (await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status);
  expect(out).toBe(200);
  for (const signedOut of [page, otherPage]) {
    await signedOut.goto("/");
    await expect(signedOut).toHaveURL(/\/sign-in\?next=%2F$/);
  }
  // The API token still works: it is not a browser session.
  expect((await typedClient(apiToken()).session.list.query()).length).toBeGreaterThan(0);
  await other.close();
  await context.close();
});

test("a CLI-style typed client works with the random API token (not one derived from the password), and is refused without it", async () => {
  const client = typedClient(apiToken());
  const created = await client.session.create.mutate({ title: "from the CLI" });
  const list = await client.session.list.query();
  expect(list.find((s) => s.id === created.id)?.title).toBe("from the CLI");

  for (const token of [null, PASSWORD, "a wrong token"]) {
    const error = await typedClient(token).session.list.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).meta?.response).toMatchObject({ status: 401 });
  }
});

test("the data folder is 0700 and the generated tokens 0600", async () => {
  expect(fs.statSync(app.dataDir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(app.dataDir, "sidecar-token")).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.join(app.dataDir, "api-token")).mode & 0o777).toBe(0o600);
  // npm start printed the sign-in link with the token, for the user to open.
  expect(app.output()).toContain(`${app.url}/sign-in?token=${encodeURIComponent(apiToken())}`);
});

test("an agent's follow-up reaches BooChat's MCP server: opencode sends its own agent token", async () => {
  test.setTimeout(120_000);
  const client = typedClient(apiToken());
  const session = await client.session.create.mutate({ title: "Follow-up behind a password" });
  const [tab] = await client.chat.list.query({ sessionId: session.id });
  const { taskId } = await client.coder.message.mutate({ chatId: tab?.id ?? "", text: `${DELEGATE_MARKER}check the password app` });
  // Without the token opencode's MCP call gets a 401: no tool, no follow-up tab.
  await expect.poll(async () => (await client.task.get.query({ id: taskId })).status, { timeout: 90_000 }).toBe("succeeded");
  expect((await client.task.get.query({ id: taskId })).output).toContain(DELEGATED_REPLY);
  const tabs = await client.chat.list.query({ sessionId: session.id });
  expect(tabs).toHaveLength(2);
  const followUp = tabs[1];
  expect(followUp?.startedBy).toMatchObject({ taskId, chatTitle: "Tab 1" });
  await expect
    .poll(async () => (await client.task.list.query({ chatId: followUp?.id ?? "" })).map((t) => t.status), { timeout: 60_000 })
    .toEqual(["succeeded"]);
});

// Last: it blocks sign-ins from its (forged) address for a minute.
test("wrong passwords are rate-limited: after five, even the right one waits (429 with Retry-After)", async () => {
  const attempt = (password: string) =>
    rawRequest(port, {
      method: "POST",
      path: "/api/auth/sign-in",
      headers: { host: host(), origin: app.url, "content-type": "application/json", "x-forwarded-for": "203.0.113.7" },
      body: JSON.stringify({ password }),
    });
  for (let i = 0; i < 5; i++) expect((await attempt(`guess ${i}`)).status).toBe(401);
  const blocked = await attempt(PASSWORD);
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
  expect(JSON.parse(blocked.body).error.message).toMatch(/Too many wrong passwords: try again in \d+ s/);
  // Another client is not locked out by that one.
  const other = await rawRequest(port, {
    method: "POST",
    path: "/api/auth/sign-in",
    headers: { host: host(), origin: app.url, "content-type": "application/json" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(other.status, other.body).toBe(200);
  const setCookie = other.headers["set-cookie"]?.[0] ?? "";
  expect(setCookie).toMatch(/^boochat_session=v2\.[^;]+;/);
  for (const attribute of [/; Path=\/(;|$)/, /; HttpOnly(;|$)/i, /; SameSite=Strict(;|$)/i, /; Max-Age=604800(;|$)/]) expect(setCookie).toMatch(attribute);
});
