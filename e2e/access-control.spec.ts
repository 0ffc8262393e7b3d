import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium } from "@playwright/test";
import { e2eApiToken, e2eSettings, expect, test } from "./fixtures";
import { rawRequest, trpcPaths } from "./support/raw-http";

// The e2e app runs without BOOCHAT_PASSWORD (the local default): it still asks for its API token.
const port = Number(process.env.BOOCHAT_E2E_PORT ?? 3107);
const own = `127.0.0.1:${port}`;
const json = { "content-type": "application/json" };
const auth = () => ({ authorization: `Bearer ${e2eApiToken()}` });

async function sessionTitles(db: import("../server/db").Db): Promise<string[]> {
  return (await db.session.findMany({ select: { title: true } })).map((s) => s.title);
}

test("a request whose Host is not BooChat's is refused with 403: a page, a query, a mutation, /api/mcp", async ({ db }) => {
  const evil = { host: "evil.example" };
  const requests = [
    { name: "page", method: "GET", path: "/", headers: { ...evil, accept: "text/html" } },
    { name: "query", method: "GET", path: trpcPaths.query("session.list"), headers: evil },
    { name: "mutation", method: "POST", path: trpcPaths.mutation("session.create"), headers: { ...evil, ...json }, body: trpcPaths.mutationBody({ title: "via evil host" }) },
    { name: "mcp", method: "POST", path: "/api/mcp", headers: { ...evil, ...json, accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) },
    { name: "static asset", method: "GET", path: "/favicon.ico", headers: evil },
  ];
  for (const r of requests) {
    const response = await rawRequest(port, r);
    expect(response.status, r.name).toBe(403);
    expect(response.body, r.name).toContain("evil.example");
  }
  expect(await sessionTitles(db)).not.toContain("via evil host");

  // The names BooChat does serve: 127.0.0.1, localhost and [::1] with its port.
  for (const host of [own, `localhost:${port}`, `[::1]:${port}`]) {
    expect((await rawRequest(port, { path: "/", headers: { host, ...auth() } })).status, host).toBe(200);
    expect((await rawRequest(port, { path: trpcPaths.query("session.list"), headers: { host, ...auth() } })).status, host).toBe(200);
  }
  // Right name, wrong port: a rebinding page on another port is refused too.
  expect((await rawRequest(port, { path: "/", headers: { host: "localhost:1" } })).status).toBe(403);
});

test("a mutation from another site is 403, a text/plain body is refused, the same request from the app's own origin works", async ({ db }) => {
  const send = (title: string, headers: Record<string, string>) =>
    rawRequest(port, { method: "POST", path: trpcPaths.mutation("session.create"), headers: { host: own, ...auth(), ...headers }, body: trpcPaths.mutationBody({ title }) });

  const foreign = await send("from evil origin", { origin: "http://evil.example", ...json });
  expect(foreign.status).toBe(403);
  expect(JSON.parse(foreign.body)).toEqual({ error: { code: "FORBIDDEN", message: expect.stringContaining("Origin: http://evil.example") } });

  const referer = await send("from evil referer", { referer: "http://evil.example/attack.html", ...json });
  expect(referer.status).toBe(403);
  const crossSite = await send("from cross-site fetch", { "sec-fetch-site": "cross-site", ...json });
  expect(crossSite.status).toBe(403);

  const plain = await send("as text/plain", { origin: `http://${own}`, "content-type": "text/plain" });
  expect(plain.status).toBe(415);
  expect(plain.body).toContain("application/json");

  for (const refused of ["from evil origin", "from evil referer", "from cross-site fetch", "as text/plain"]) expect(await sessionTitles(db)).not.toContain(refused);

  const ok = await send("from own origin", { origin: `http://${own}`, ...json });
  expect(ok.status, ok.body).toBe(200);
  expect(await sessionTitles(db)).toContain("from own origin");
  // A client that is not a browser (the CLI, an MCP client) sends no Origin: allowed on a served Host.
  const cli = await send("from a script", json);
  expect(cli.status, cli.body).toBe(200);
});

test("a subscription (a GET under /api) opened by another site is refused", async ({ db }) => {
  const chat = await db.chat.create({ data: { title: "Tab 1", position: 0 } });
  const response = await rawRequest(port, {
    path: trpcPaths.subscription("chat.events", { chatId: chat.id }),
    headers: { host: own, origin: "http://evil.example", accept: "text/event-stream", ...auth() },
  });
  expect(response.status).toBe(403);
  await db.chat.delete({ where: { id: chat.id } });
});

test("a page on another local origin cannot create sessions through a form post or a no-cors fetch", async ({ page, db }) => {
  // The attacker: a web page on another port of this machine (another origin), opened in the real browser.
  const target = `http://${own}${trpcPaths.mutation("session.create")}`;
  const html = `<!doctype html><title>attacker</title>
<form id="f" method="POST" enctype="text/plain" action="${target}"><input name='{"0":{"json":{"title":"csrf form","x":"' value='"}}}'></form>
<script>
fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(trpcPaths.mutationBody({ title: "csrf fetch" }))} })
  .finally(() => { document.title = "fetched"; document.getElementById("f").submit(); });
</script>`;
  const attacker: Server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  try {
    const attackerPort = (attacker.address() as AddressInfo).port;
    const answer = page.waitForResponse((r) => r.url() === target && r.request().method() === "POST" && r.request().postData()?.includes("csrf form") === true);
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    const formAnswer = await answer;
    expect(formAnswer.status()).toBe(403);
    await expect(page.getByText("comes from another site")).toBeVisible();
  } finally {
    await new Promise((resolve) => attacker.close(resolve));
  }
  const titles = await sessionTitles(db);
  expect(titles).not.toContain("csrf form");
  expect(titles).not.toContain("csrf fetch");
});

test("a page under a rebound name (evil.example resolving to 127.0.0.1) gets nothing from BooChat", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.BOOCHAT_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP evil.example 127.0.0.1"],
  });
  try {
    const page = await browser.newPage();
    const response = await page.goto(`http://evil.example:${port}/`);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Request refused" })).toBeVisible();
    const api = await page.evaluate(async () => (await fetch("/api/trpc/session.list?batch=1&input=%7B%7D")).status);
    expect(api).toBe(403);
  } finally {
    await browser.close();
  }
});

test("the sidecar token and opencode's password never reach the browser", async ({ page }) => {
  const secrets = [e2eSettings.token, "BOOCHAT_SIDECAR_TOKEN", "OPENCODE_SERVER_PASSWORD", "BOOCHAT_PASSWORD"];
  // The built client bundle: every file under .next/static.
  const staticDir = path.resolve(import.meta.dirname, "..", ".next", "static");
  const files = fs.readdirSync(staticDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    const text = fs.readFileSync(path.join(file.parentPath, file.name), "latin1");
    for (const secret of secrets) expect(text.includes(secret), `${secret} in ${file.name}`).toBe(false);
  }
  // What the pages and the API send (the HTML, its RSC payload, every response the browser gets).
  const bodies: string[] = [];
  page.on("response", (response) => void response.text().then((t) => bodies.push(t), () => undefined));
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "No session selected" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(bodies.length).toBeGreaterThan(2);
  for (const body of bodies) expect(body.includes(e2eSettings.token)).toBe(false);
});

test("without the token or a cookie nothing answers but /sign-in, /api/health and public assets, even on localhost", async () => {
  const refused = [
    { method: "GET", path: "/" },
    { method: "GET", path: "/sessions/some-session" },
    { method: "GET", path: trpcPaths.query("session.list") },
    { method: "POST", path: trpcPaths.mutation("session.create"), body: trpcPaths.mutationBody({ title: "anonymous" }) },
    { method: "POST", path: "/api/mcp", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) },
    { method: "POST", path: "/api/auth/sign-out", body: "{}" },
  ];
  for (const r of refused) {
    const response = await rawRequest(port, { ...r, headers: { host: own, ...json } });
    expect(response.status, `${r.method} ${r.path}`).toBe(401);
  }
  for (const path of ["/sign-in", "/api/health", "/favicon.ico", "/manifest.webmanifest"]) {
    expect((await rawRequest(port, { path, headers: { host: own } })).status, path).toBe(200);
  }
});

test("the sign-in link signs a real browser in and leaves no token in the address bar; a wrong one says so", async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const visited: string[] = [];
    page.on("framenavigated", (frame) => void (frame === page.mainFrame() && visited.push(frame.url())));
    const signIn = await page.goto(`/sign-in?token=${encodeURIComponent(e2eApiToken())}`);
    expect(signIn?.status()).toBe(200);
    await expect(page.getByRole("button", { name: "New session" })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe("/");
    expect(visited.some((url) => url.includes("token"))).toBe(false);
    expect(await page.evaluate(() => window.location.href)).not.toContain("token");
    const cookie = (await context.cookies()).find((c) => c.name === "boochat_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });

    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    await other.goto("/sign-in?token=not-the-token");
    expect(new URL(other.url()).search).toBe("?link=invalid");
    // Next's route announcer is an alert too: the one meant is the one that says so.
    await expect(other.getByRole("alert").filter({ hasText: "That sign-in link" })).toContainText("That sign-in link is not (or no longer) this BooChat's");
    await stranger.close();
  } finally {
    await context.close();
  }
});

test("every answer forbids framing: pages, the API, assets and refusals", async ({ request }) => {
  const answers = [
    await request.get("/"),
    await request.get("/api/trpc/session.list?batch=1&input=%7B%7D"),
    await request.get("/favicon.ico"),
    await request.get("/sign-in"),
  ];
  for (const answer of answers) {
    expect(answer.headers()["x-frame-options"], answer.url()).toBe("DENY");
    expect(answer.headers()["content-security-policy"], answer.url()).toContain("frame-ancestors 'none'");
  }
  const refused = await rawRequest(port, { path: "/", headers: { host: "evil.example" } });
  expect(refused.headers["x-frame-options"]).toBe("DENY");
});

test("a stranger's wrong guesses never lock out the valid token or cookie", async ({ page }) => {
  for (let i = 0; i < 30; i++) {
    const guess = await rawRequest(port, { path: trpcPaths.query("session.list"), headers: { host: own, authorization: `Bearer guess-${i}` } });
    expect([401, 429]).toContain(guess.status);
  }
  const stranger = await rawRequest(port, { path: trpcPaths.query("session.list"), headers: { host: own, authorization: "Bearer one-more-guess" } });
  expect(stranger.status).toBe(429);
  expect((await rawRequest(port, { path: trpcPaths.query("session.list"), headers: { host: own, ...auth() } })).status).toBe(200);
  await page.goto("/");
  await expect(page.getByRole("button", { name: "New session" })).toBeVisible();
});

test("a tRPC batch larger than the cap is refused whole, in words", async () => {
  const calls = Array.from({ length: 51 }, () => "session.list").join(",");
  const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [i, { json: null }]))));
  const answer = await rawRequest(port, { path: `/api/trpc/${calls}?batch=1&input=${input}`, headers: { host: own, ...auth() } });
  expect(answer.status).toBe(400);
  expect(answer.body).toContain("A request may batch at most 50 calls");
  const fifty = Array.from({ length: 50 }, () => "session.list").join(",");
  const fiftyInput = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [i, { json: null }]))));
  expect((await rawRequest(port, { path: `/api/trpc/${fifty}?batch=1&input=${fiftyInput}`, headers: { host: own, ...auth() } })).status).toBe(200);
});
