import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideAccess } from "../server/security/access-policy";
import type { AccessSettings } from "../server/security/access-settings";
import { apiTokenFromPassword } from "../server/security/api-token";
import { createAttemptLimiter } from "../server/security/attempt-limiter";
import { refusalResponse } from "../server/security/refusal-response";
import { createContextInner } from "../server/trpc/init";
import { appRouter } from "../server/trpc/routers/_app";
import { createTestDb, type TestDb } from "../tests/helpers/test-db";
import { unreachableSidecar } from "../tests/helpers/trpc-caller";
import { runCli } from "./run";

// The CLI against a BooChat with BOOCHAT_PASSWORD: the app's own access check (the rules proxy.ts
// applies) in front of the real tRPC router on a real database, over HTTP on 127.0.0.1.

const PASSWORD = "correct horse battery staple";

let testDb: TestDb;
let server: http.Server;
let url: string;
let sessionId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  sessionId = (await testDb.db.session.create({ data: { title: "Behind a password" } })).id;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: () => createContextInner({ db: testDb.db, sidecar: unreachableSidecar() }),
  });
  const limiter = createAttemptLimiter();
  let settings: AccessSettings | null = null;
  server = http.createServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const target = new URL(req.url ?? "/", "http://127.0.0.1");
    const decision = settings
      ? decideAccess({ method: req.method ?? "GET", pathname: target.pathname, headers }, settings, { nowMs: Date.now(), limiter })
      : null;
    if (decision && !decision.allowed) {
      const refusal = refusalResponse(decision, target, headers.get("accept"));
      void refusal.text().then((body) => res.writeHead(refusal.status, Object.fromEntries(refusal.headers)).end(body));
      return;
    }
    trpc(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  settings = { port, host: "127.0.0.1", password: PASSWORD, allowedHosts: [] };
  url = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await testDb.cleanup();
});

async function cli(argv: string[], env: Record<string, string>) {
  const out = { stdout: "", stderr: "" };
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
    env: { BOOCHAT_URL: url, ...env },
  });
  return { code, ...out };
}

describe("boochat against a BooChat with a password", () => {
  it("signs its requests with the token derived from BOOCHAT_PASSWORD, or with BOOCHAT_TOKEN", async () => {
    const withPassword = await cli(["sessions"], { BOOCHAT_PASSWORD: PASSWORD });
    expect(withPassword.stderr).toBe("");
    expect(withPassword.code).toBe(0);
    expect(withPassword.stdout).toMatch(new RegExp(`^${sessionId}\\s+Behind a password\\s+-\\s`, "m"));

    const withToken = await cli(["sessions", "--json"], { BOOCHAT_TOKEN: apiTokenFromPassword(PASSWORD) });
    expect(withToken.code).toBe(0);
    expect((JSON.parse(withToken.stdout) as Array<{ id: string }>).map((s) => s.id)).toEqual([sessionId]);
  });

  it("says a password is needed when none is set, and that it was refused when wrong: exit 1", async () => {
    const none = await cli(["sessions"], {});
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(new RegExp(`^boochat: BooChat at ${url} refused the request \\(.+\\): this BooChat has a password: set BOOCHAT_PASSWORD \\(or BOOCHAT_TOKEN\\)\\n$`));

    const wrong = await cli(["watch", "some-task"], { BOOCHAT_PASSWORD: "not it" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^boochat: BooChat at ${url} refused the request \\(.+\\): check BOOCHAT_PASSWORD \\(or BOOCHAT_TOKEN\\)\\n$`));
  });

  it("prints the server's own message for a tRPC error, once signed in", async () => {
    const missing = await cli(["watch", "no-such-task"], { BOOCHAT_PASSWORD: PASSWORD });
    expect(missing).toMatchObject({ code: 1, stdout: "", stderr: "boochat: Task no-such-task does not exist\n" });
  });
});
