import http from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";

/**
 * The web app's API as `next start` serves it, in this process: the real route handlers of
 * app/api/trpc/[trpc]/route.ts and app/api/mcp/route.ts (the same fetch adapter, batch limit,
 * context, agent runtime and MCP conversations) behind a plain HTTP server, configured through the
 * same environment variables. Only proxy.ts (sign-in and the Host/Origin rules, tested on their own)
 * is left out, so no token is needed. The environment must be set before this is called: the app
 * reads its settings once per process.
 */
export async function startWebAppApi(): Promise<{ url: string; stop(): Promise<void> }> {
  const trpcRoute = await import("../../app/api/trpc/[trpc]/route");
  const mcpRoute = await import("../../app/api/mcp/route");
  const handle = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/api/trpc/")) return request.method === "GET" ? trpcRoute.GET(request) : trpcRoute.POST(request);
    if (pathname === "/api/mcp") {
      if (request.method === "GET") return mcpRoute.GET(request);
      if (request.method === "POST") return mcpRoute.POST(request);
      if (request.method === "DELETE") return mcpRoute.DELETE(request);
      return new Response(null, { status: 405 });
    }
    return new Response("not found", { status: 404 });
  };
  const server = http.createServer(getRequestListener(handle));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const { getAgentRuntime } = await import("../../server/agents/app-runtime");
      await getAgentRuntime().stop();
      const { getMcpConversations } = await import("../../server/mcp/mcp-conversations");
      await getMcpConversations().close();
      const { getDb } = await import("../../server/db");
      await getDb().$disconnect();
    },
  };
}
