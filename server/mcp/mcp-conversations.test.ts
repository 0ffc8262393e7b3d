import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { createMcpConversations, type McpConversations } from "./mcp-conversations";

// The conversation lifecycle over real HTTP on 127.0.0.1 (the SDK's own Node adapter for
// web-standard handlers): the SDK's Client on one side, BooChat's conversation map on the other.

// Short, but long enough that a cold client gets from one request to the next within it.
const IDLE_MS = 1_000;
const started: Array<{ conversations: McpConversations; server: ServerType }> = [];

async function startServer(idleMs = IDLE_MS, maxConversations?: number): Promise<{ url: URL; conversations: McpConversations }> {
  const conversations = createMcpConversations({ idleMs, ...(maxConversations ? { maxConversations } : {}) });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (request) => conversations.handle(request), port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  started.push({ conversations, server });
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/api/mcp`), conversations };
}

afterEach(async () => {
  for (const { conversations, server } of started.splice(0)) {
    await conversations.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function initialize(url: URL): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get("mcp-session-id");
  if (!id) throw new Error("no Mcp-Session-Id on the initialize answer");
  return id;
}

async function listTools(url: URL, sessionId: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
  });
}

describe("MCP conversations", () => {
  it("refuses a conversation past the cap with 429 in words, and takes one again once another ends", async () => {
    const { url, conversations } = await startServer(60_000, 2);
    const first = await initialize(url);
    await initialize(url);
    const refused = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }),
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("Too many open MCP conversations (2)");
    expect(conversations.size()).toBe(2);
    await fetch(url, { method: "DELETE", headers: { "mcp-session-id": first, "mcp-protocol-version": "2025-06-18" } });
    await initialize(url);
  });

  it("gives each initialize its own conversation, ends it on DELETE, and answers 404 for it afterwards", async () => {
    const { url, conversations } = await startServer(60_000);
    const a = new StreamableHTTPClientTransport(url);
    const b = new StreamableHTTPClientTransport(url);
    const first = new Client({ name: "a", version: "1" });
    const second = new Client({ name: "b", version: "1" });
    await first.connect(a);
    await second.connect(b);
    expect(a.sessionId).toBeTruthy();
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(conversations.size()).toBe(2);

    const ended = a.sessionId ?? "";
    await a.terminateSession();
    await first.close();
    expect(conversations.size()).toBe(1);
    const after = await listTools(url, ended);
    expect(after.status).toBe(404);
    expect(await after.text()).toContain(`MCP session ${ended} does not exist`);
    expect((await second.listTools()).tools).toHaveLength(4);
    await second.close();
  });

  it("drops a conversation idle for longer than the idle time", async () => {
    const { url, conversations } = await startServer();
    const id = await initialize(url);
    expect((await listTools(url, id)).status).toBe(200);
    expect(conversations.size()).toBe(1);
    await sleep(IDLE_MS * 3);
    expect(conversations.size()).toBe(0);
    expect((await listTools(url, id)).status).toBe(404);
  });

  it("keeps a conversation whose client holds its event stream open, and drops it once the client is gone", async () => {
    const { url, conversations } = await startServer();
    const transport = new StreamableHTTPClientTransport(url);
    const client = new Client({ name: "long-lived", version: "1" });
    await client.connect(transport);
    // The SDK client opens its GET event stream after initializing, as opencode's does.
    await sleep(IDLE_MS * 3);
    expect(conversations.size()).toBe(1);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("new_task");

    await client.close();
    await sleep(IDLE_MS * 3);
    expect(conversations.size()).toBe(0);
  });

  it("refuses requests other than initialize without a conversation id", async () => {
    const { url, conversations } = await startServer();
    const get = await fetch(url, { headers: { accept: "text/event-stream" } });
    expect(get.status).toBe(400);
    expect(await get.text()).toContain("Mcp-Session-Id header is required");
    const post = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(post.status).toBe(400);
    expect(conversations.size()).toBe(0);
  });
});
