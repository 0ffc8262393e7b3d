import { getMcpConversations } from "@/server/mcp/mcp-conversations";

export const dynamic = "force-dynamic";

/** BooChat's MCP server (streamable HTTP): README, "MCP". */
function handler(req: Request) {
  return getMcpConversations().handle(req);
}

export { handler as GET, handler as POST, handler as DELETE };
