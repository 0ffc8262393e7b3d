import { randomUUID } from "node:crypto";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { LIMITS } from "../limits";
import { createBooChatMcpServer, type McpServerDeps } from "./boochat-mcp-server";

/** A conversation with no request and no open stream for this long is dropped (its client re-initialises). */
export const MCP_IDLE_MS = 30 * 60_000;
const SWEEP_EVERY_MS = 60_000;

type Conversation = {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
  /** Responses still streaming (an SSE GET stays open for the whole conversation): never idle while any is. */
  openStreams: number;
};

export type McpConversations = {
  handle(request: Request): Promise<Response>;
  /** Open conversations (tests, diagnostics). */
  size(): number;
  close(): Promise<void>;
};

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Calls `onEnd` once, when the response body has been read to its end or the client went away. */
function watchBody(response: Response, onEnd: () => void): Response {
  let ended = false;
  const end = () => {
    if (!ended) {
      ended = true;
      onEnd();
    }
  };
  if (!response.body) {
    end();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * The MCP conversations of this process, in stateful streamable HTTP: an `initialize` POST without
 * `Mcp-Session-Id` opens one (the transport makes the id), later requests carry the id, DELETE or
 * a long idle time ends it.
 */
export function createMcpConversations(options: { idleMs?: number; maxConversations?: number; deps?: Omit<McpServerDeps, "state"> } = {}): McpConversations {
  const idleMs = options.idleMs ?? MCP_IDLE_MS;
  const maxConversations = options.maxConversations ?? LIMITS.mcpConversations;
  const conversations = new Map<string, Conversation>();

  async function drop(id: string) {
    const conversation = conversations.get(id);
    if (!conversation) return;
    conversations.delete(id);
    await conversation.server.close().catch(() => undefined);
  }

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, conversation] of conversations) {
      if (conversation.openStreams === 0 && now - conversation.lastSeen > idleMs) void drop(id);
    }
  }, Math.min(SWEEP_EVERY_MS, idleMs));
  sweeper.unref();

  async function open(request: Request): Promise<Response> {
    const server = createBooChatMcpServer({ ...options.deps, state: { lastChatId: null } });
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        conversations.set(id, { transport, server, lastSeen: Date.now(), openStreams: 0 });
      },
      onsessionclosed: (id) => void drop(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) void drop(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    // Anything but a successful initialize leaves no conversation behind.
    if (!transport.sessionId || !conversations.has(transport.sessionId)) {
      await server.close().catch(() => undefined);
      return response;
    }
    return track(transport.sessionId, response);
  }

  function track(id: string, response: Response): Response {
    const conversation = conversations.get(id);
    if (!conversation || !response.body) return response;
    conversation.openStreams += 1;
    return watchBody(response, () => {
      conversation.openStreams -= 1;
      conversation.lastSeen = Date.now();
    });
  }

  return {
    async handle(request) {
      const id = request.headers.get("mcp-session-id");
      if (!id) {
        if (request.method !== "POST") return jsonRpcError(400, -32000, "Bad Request: Mcp-Session-Id header is required");
        if (conversations.size >= maxConversations) {
          return jsonRpcError(429, -32000, `Too many open MCP conversations (${maxConversations}): end one (DELETE) or wait until idle ones end`);
        }
        return open(request);
      }
      const conversation = conversations.get(id);
      // The spec's answer to an unknown or ended conversation: 404, and the client starts a new one.
      if (!conversation) return jsonRpcError(404, -32001, `MCP session ${id} does not exist (it ended or BooChat restarted): initialize again`);
      conversation.lastSeen = Date.now();
      const response = await conversation.transport.handleRequest(request);
      return track(id, response);
    },
    size: () => conversations.size,
    async close() {
      clearInterval(sweeper);
      await Promise.all([...conversations.keys()].map(drop));
    },
  };
}

const globalForMcp = globalThis as unknown as { boochatMcp?: McpConversations };

/** The running app's conversations, one map per process (kept across Next.js hot reloads). */
export function getMcpConversations(): McpConversations {
  globalForMcp.boochatMcp ??= createMcpConversations();
  return globalForMcp.boochatMcp;
}
