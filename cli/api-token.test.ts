import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideAccess } from "../server/security/access-policy";
import { getAgentToken, readOrCreateApiToken } from "../server/security/access-secrets";
import type { AccessSettings } from "../server/security/access-settings";
import { createAttemptLimiter } from "../server/security/attempt-limiter";
import { refusalResponse } from "../server/security/refusal-response";
import { createContextInner } from "../server/trpc/init";
import { appRouter } from "../server/trpc/routers/_app";
import { createTestDb, type TestDb } from "../tests/helpers/test-db";
import { unreachableSidecar } from "../tests/helpers/trpc-caller";
import { runCli } from "./run";

// The CLI against BooChat's access check (the rules proxy.ts applies) in front of the real tRPC
// router on a real database, over HTTP on 127.0.0.1: it sends the API token from BOOCHAT_TOKEN or
// from the data folder's api-token file.

let testDb: TestDb;
let dataDir: string;
let token: string;
let server: http.Server;
let url: string;
let sessionId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-cli-token-"));
  token = readOrCreateApiToken(dataDir);
  sessionId = (await testDb.db.session.create({ data: { title: "Behind the token" } })).id;
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
      ? decideAccess({ method: req.method ?? "GET", pathname: target.pathname, headers }, settings, {
          nowMs: Date.now(),
          limiter,
          secrets: { apiToken: token, epoch: 0, agentToken: getAgentToken() },
        })
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
  settings = { port, host: "127.0.0.1", password: null, allowedHosts: [], trustedProxy: false, dataDir };
  url = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await testDb.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
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

describe("boochat against BooChat's token check", () => {
  it("signs its requests with the token in the data folder, or with BOOCHAT_TOKEN", async () => {
    const fromFile = await cli(["sessions"], { BOOCHAT_DATA_DIR: dataDir });
    expect(fromFile.stderr).toBe("");
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(new RegExp(`^${sessionId}\\s+Behind the token\\s+-\\s`, "m"));

    const fromEnv = await cli(["sessions", "--json"], { BOOCHAT_TOKEN: token, BOOCHAT_DATA_DIR: "/nonexistent" });
    expect(fromEnv.code).toBe(0);
    expect((JSON.parse(fromEnv.stdout) as Array<{ id: string }>).map((s) => s.id)).toEqual([sessionId]);
  });

  it("says where it looked when it has no token, and that the token was refused when wrong: exit 1", async () => {
    const none = await cli(["sessions"], { BOOCHAT_DATA_DIR: "/nonexistent" });
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(
      new RegExp(`^boochat: BooChat at ${url} refused the request \\(.+\\): BooChat needs its API token: run the CLI in the BooChat folder \\(it reads /nonexistent/api-token\\) or set BOOCHAT_TOKEN\\n$`),
    );

    const wrong = await cli(["watch", "some-task"], { BOOCHAT_TOKEN: "not it" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^boochat: BooChat at ${url} refused the request \\(.+\\): the token from BOOCHAT_TOKEN is not this BooChat's`));
  });

  it("prints the server's own message for a tRPC error, once let in", async () => {
    const missing = await cli(["watch", "no-such-task"], { BOOCHAT_TOKEN: token });
    expect(missing).toMatchObject({ code: 1, stdout: "", stderr: "boochat: Task no-such-task does not exist\n" });
  });
});
