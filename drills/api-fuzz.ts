import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { createRepoFixture } from "../tests/helpers/git-repos";
import { startScriptedModelServer } from "../tests/helpers/scripted-model-server";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { apiCall, WORKTREE_CHANGING, type ApiCall } from "./lib/api-calls";
import { brief, leakIn } from "./lib/answers";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";
import { changedPaths, snapshotGitDir, snapshotTree, type TreeSnapshot } from "./lib/tree-snapshot";
import { startWebAppApi } from "./lib/web-app";

/**
 * The API fuzz drill: `count` generated calls (drills/lib/api-calls.ts) to every tRPC procedure and
 * every MCP tool over HTTP, against the app's real route handlers (drills/lib/web-app.ts) on a real
 * SQLite file, a real sidecar and a real opencode with a scripted model. Each call is judged alone:
 * no 5xx (nor a 5xx inside a batch or an event stream, nor "Internal error" in a tool's answer), no
 * stack trace or secret (the sidecar token, the API token, the sentinel's content) in the answer,
 * nothing outside the worktree root touched, and no worktree or ref changed unless the call was a
 * successful one of the procedures that change worktrees. At the end both processes still answer.
 *
 * `databaseFile` must be a migrated, empty SQLite file; the environment of this process is set for
 * the app (it reads its settings once), so run one such drill per process.
 */
export async function apiFuzzDrill(options: { count: number; seed: number; databaseFile: string; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const fixture = await createRepoFixture();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-drill-app-"));
  const sentinel = path.join(fixture.base, "sentinel");
  const marker = `SENTINEL-${randomBytes(8).toString("hex")}`;
  fs.mkdirSync(sentinel);
  fs.writeFileSync(path.join(sentinel, "secret.txt"), `${marker}\n`);
  fs.symlinkSync(sentinel, path.join(fixture.worktreeRoot, "link-out"));
  const apiToken = randomBytes(24).toString("base64url");
  fs.writeFileSync(path.join(dataDir, "api-token"), apiToken, { mode: 0o600 });
  const model = await startScriptedModelServer();
  const sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  Object.assign(process.env, {
    DATABASE_URL: `file:${options.databaseFile}`,
    BOOCHAT_DATA_DIR: dataDir,
    BOOCHAT_SIDECAR_URL: sidecar.url,
    BOOCHAT_SIDECAR_TOKEN: sidecar.token,
    BOOCHAT_WORKTREE_ROOT: fixture.worktreeRoot,
    BOOCHAT_SCRATCH_DIR: path.join(dataDir, "scratch"),
    BOOCHAT_MODEL_BASE_URL: model.url,
    BOOCHAT_MODEL: "mock-1",
    BOOCHAT_MODEL_API_KEY: "drill",
    BOOCHAT_RISK_TIMEOUT_MS: "10000",
  });
  const app = await startWebAppApi();
  const reader = new Database(options.databaseFile, { readonly: true, timeout: 5_000 });
  const secrets = { "sidecar token": sidecar.token, "API token": apiToken, "sentinel file's content": marker };
  const counts = new Map<string, number>();
  let mcpSession = "";
  const slow: string[] = [];
  try {
    mcpSession = await initializeMcp(app.url);
    for (let i = 0; i < 3; i += 1) await callTrpc(app.url, "mutation", "session.create", { title: `seed ${i}`, repoPath: fixture.clone });
    await callTrpc(app.url, "mutation", "session.create", { title: "chat only" });
    const random = seededRandom(options.seed + 1);
    let fresh = 0;
    const pick = (sql: string, fallback: string) => {
      const rows = reader.prepare<[], { v: string }>(sql).all();
      return rows.length === 0 ? fallback : (rows[Math.floor(random() * rows.length)]?.v ?? fallback);
    };
    const fill = (value: unknown, depth = 0): unknown => {
      // Placeholders sit near the top; a value nested thousands deep is sent as generated.
      if (depth > 20) return value;
      if (typeof value === "string") {
        return value
          .replace(/\{\{session\}\}/g, () => pick("SELECT session_id AS v FROM worktrees WHERE session_id IS NOT NULL AND removed_at IS NULL", "no-session"))
          .replace(/\{\{chatOnly\}\}/g, () => pick("SELECT id AS v FROM sessions WHERE id NOT IN (SELECT session_id FROM worktrees WHERE session_id IS NOT NULL)", "no-session"))
          .replace(/\{\{anySession\}\}/g, () => pick("SELECT id AS v FROM sessions", "no-session"))
          .replace(/\{\{chat\}\}/g, () => pick("SELECT id AS v FROM chats", "no-chat"))
          .replace(/\{\{task\}\}/g, () => pick("SELECT id AS v FROM tasks", "no-task"))
          .replace(/\{\{worktreeId\}\}/g, () => pick("SELECT id AS v FROM worktrees", "no-worktree"))
          .replace(/\{\{wtPath\}\}/g, () => pick("SELECT path AS v FROM worktrees", path.join(fixture.worktreeRoot, "missing")))
          .replace(/\{\{arena\}\}/g, () => pick("SELECT id AS v FROM arenas", "no-arena"))
          .replace(/\{\{comment\}\}/g, () => pick("SELECT id AS v FROM review_comments", "no-comment"))
          .replace(/\{\{repo\}\}/g, fixture.clone)
          .replace(/\{\{sentinel\}\}/g, sentinel)
          .replace(/\{\{fresh\}\}/g, () => String((fresh += 1)));
      }
      if (Array.isArray(value)) return value.map((item) => fill(item, depth + 1));
      if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, depth + 1)]));
      return value;
    };
    const snapshot = (): TreeSnapshot => {
      const all: TreeSnapshot = new Map();
      for (const [file, value] of snapshotTree(fixture.worktreeRoot)) all.set(path.join("root", file), value);
      // opencode keeps its project id in the repository's git dir (`.git/opencode`) the first time it
      // works in one of its worktrees: the agent's doing, in the background, not the call's.
      for (const [file, value] of snapshotGitDir(path.join(fixture.clone, ".git"))) if (file !== "opencode") all.set(path.join("git", file), value);
      return all;
    };
    const sentinelSnapshot = () => {
      const all: TreeSnapshot = new Map();
      for (const [file, value] of snapshotTree(sentinel)) all.set(path.join("sentinel", file), value);
      for (const [file, value] of snapshotTree(fixture.clone, (relative) => relative === ".git")) all.set(path.join("clone", file), value);
      for (const [file, value] of snapshotTree(fixture.home)) all.set(path.join("home", file), value);
      return all;
    };
    const sentinelBefore = sentinelSnapshot();

    const calls = fc.sample(apiCall, { seed: options.seed, numRuns: options.count });
    for (const [index, generated] of calls.entries()) {
      if (index > 0 && index % 25 === 0) leaveWork(fixture.worktreeRoot, random, index);
      const call = fillCall(generated, fill);
      const before = snapshot();
      const sentAt = Date.now();
      const answer = await send(app.url, call, mcpSession);
      const tookMs = Date.now() - sentAt;
      if (tookMs > 10_000) slow.push(`${labelOf(call)} ${Math.round(tookMs / 1000)} s`);
      if (index % 100 === 99) options.log?.(`${index + 1} calls, ${Math.round((Date.now() - started) / 1000)} s`);
      // Work a successful call started in the background (a removal, a stash) has settled when it answers.
      const after = snapshot();
      const label = labelOf(call);
      const key = `${label} ${answer.status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const what = `#${index} ${label} ${brief(describeInput(call), 200)} → ${answer.status}`;
      if (answer.status >= 500 || answer.status === 0) problems.add(`${what}: ${brief(answer.text)}`);
      else if (/"httpStatus":5\d\d/.test(answer.text)) problems.add(`${what}: a 5xx inside the answer: ${brief(answer.text)}`);
      if (/Internal error \(ref /.test(answer.text)) problems.add(`${what}: an internal error: ${brief(answer.text)}`);
      const leak = leakIn(answer.text, secrets);
      if (leak) problems.add(`${what}: ${leak}: ${brief(answer.text)}`);
      const mayChange = call.kind === "trpc" && answer.status >= 200 && answer.status < 300 && WORKTREE_CHANGING.has(call.procedure);
      if (!mayChange) for (const change of changedPaths(before, after)) problems.add(`${what}: changed ${change}`);
      if (index % 50 === 49) for (const file of changedPaths(sentinelBefore, sentinelSnapshot())) problems.add(`${what}: touched ${file} outside the worktree root`);
    }
    for (const file of changedPaths(sentinelBefore, sentinelSnapshot())) problems.add(`touched ${file} outside the worktree root`);
    const list = await callTrpc(app.url, "query", "session.list", undefined);
    if (list.status !== 200) problems.add(`session.list answers ${list.status} after the run`);
    if ((await sidecar.request("GET", "/healthz")).status !== 200) problems.add("the sidecar's /healthz does not answer 200 after the run");
  } finally {
    reader.close();
    await app.stop();
    await sidecar.stop();
    await model.close();
    await fixture.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const byKey = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  options.log?.(byKey.map(([key, n]) => `${key}: ${n}`).join(", "));
  if (slow.length > 0) options.log?.(`calls over 10 s: ${slow.join(", ")}`);
  const procedures = new Set(byKey.map(([key]) => key.split(" ")[0]));
  const ok = byKey.filter(([key]) => / 2\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
  return { drill: "tRPC and MCP fuzz", requests: options.count, faults: 0, problems: problems.list(), notes: `${procedures.size} procedures and tools, ${ok} answered 2xx`, ms: Date.now() - started };
}

/** The agent at work between calls: new files in some worktrees, so stash, commit and the gate have something to find. */
function leaveWork(root: string, random: () => number, n: number) {
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    if (!fs.existsSync(path.join(dir, ".git")) || fs.lstatSync(dir).isSymbolicLink()) continue;
    if (random() < 0.4) fs.writeFileSync(path.join(dir, `work-${n}.txt`), `work ${n}\n`);
  }
}

function fillCall(call: ApiCall, fill: (value: unknown) => unknown): ApiCall {
  switch (call.kind) {
    case "trpc":
      return { ...call, input: fill(call.input) };
    case "trpc-batch":
      return { ...call, inputs: call.inputs.map(fill) };
    case "mcp-tool":
      return { ...call, args: fill(call.args) };
    default:
      return call;
  }
}

function labelOf(call: ApiCall): string {
  switch (call.kind) {
    case "trpc":
      return call.procedure;
    case "trpc-batch":
      return "trpc-batch";
    case "trpc-raw":
      return `raw ${call.method}`;
    case "mcp-tool":
      return `mcp ${call.tool.length > 20 ? "unknown" : call.tool || "unknown"}`;
    case "mcp-raw":
      return `mcp raw ${call.method}`;
  }
}

function describeInput(call: ApiCall): unknown {
  switch (call.kind) {
    case "trpc":
      return call.input;
    case "trpc-batch":
      return call.procedures.join(",");
    case "trpc-raw":
      return `${call.path} ${call.body ?? ""}`;
    case "mcp-tool":
      return call.args;
    case "mcp-raw":
      return call.body;
  }
}

type Answer = { status: number; text: string };

async function fetchText(url: string, init: RequestInit & { maxMs?: number; maxBytes?: number }): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), init.maxMs ?? 60_000);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    let text = "";
    const body = response.body;
    if (body) {
      const decoder = new TextDecoder();
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if (text.length > (init.maxBytes ?? 50_000_000)) break;
        }
      } catch {
        // an event stream cut at its time limit: what arrived is the answer
      }
      await reader.cancel().catch(() => undefined);
    }
    return { status: response.status, text };
  } catch (error) {
    return { status: 0, text: `no answer: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

function callTrpc(base: string, type: "query" | "mutation" | "subscription", procedure: string, input: unknown): Promise<Answer> {
  // Generated inputs are plain JSON, which superjson sends as `{ json }` with no meta (its own
  // serializer recurses, and a value nested thousands deep must reach the server as generated).
  const serialized = input === undefined ? undefined : JSON.stringify({ json: input });
  if (type === "mutation") return fetchText(`${base}/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: serialized ?? "{}" });
  const query = serialized === undefined ? "" : `?input=${encodeURIComponent(serialized)}`;
  if (type === "subscription") return fetchText(`${base}/api/trpc/${procedure}${query}`, { headers: { accept: "text/event-stream" }, maxMs: 800, maxBytes: 16_384 });
  return fetchText(`${base}/api/trpc/${procedure}${query}`, { method: "GET" });
}

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" };

async function initializeMcp(base: string): Promise<string> {
  const response = await fetch(`${base}/api/mcp`, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "drill", version: "1" } } }),
  });
  await response.text();
  const id = response.headers.get("mcp-session-id");
  if (!id) throw new Error(`MCP initialize answered ${response.status} without a session id`);
  await fetch(`${base}/api/mcp`, { method: "POST", headers: { ...MCP_HEADERS, "mcp-session-id": id }, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) }).then((r) => r.text());
  return id;
}

let mcpIds = 10;

function send(base: string, call: ApiCall, mcpSession: string): Promise<Answer> {
  switch (call.kind) {
    case "trpc":
      return callTrpc(base, call.type, call.procedure, call.input);
    case "trpc-batch": {
      const inputs = Object.fromEntries(call.inputs.map((input, i) => [String(i), input === undefined ? {} : { json: input }]));
      return fetchText(`${base}/api/trpc/${call.procedures.join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`, { method: "GET" });
    }
    case "trpc-raw":
      return fetchText(`${base}${call.path}`, { method: call.method, headers: call.body === undefined ? {} : { "content-type": call.contentType ?? "application/json" }, body: call.body });
    case "mcp-tool":
      return fetchText(`${base}/api/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, "mcp-session-id": mcpSession },
        body: JSON.stringify({ jsonrpc: "2.0", id: (mcpIds += 1), method: "tools/call", params: { name: call.tool, arguments: call.args } }),
      });
    case "mcp-raw": {
      const headers: Record<string, string> = { ...MCP_HEADERS };
      if (call.session === "valid") headers["mcp-session-id"] = mcpSession;
      if (call.session === "wrong") headers["mcp-session-id"] = "not-a-session";
      // A DELETE with the live session would end it: the drill's conversation stays, a wrong one is asked instead.
      if (call.method === "DELETE") headers["mcp-session-id"] = "not-a-session";
      const hasBody = !["GET", "HEAD"].includes(call.method);
      return fetchText(`${base}/api/mcp`, { method: call.method, headers, body: hasBody ? call.body : undefined, maxMs: call.method === "GET" ? 800 : 60_000 });
    }
  }
}
