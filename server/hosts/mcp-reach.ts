import type { HostConfig } from "./hosts-config";

const isLoopback = (url: string): boolean => {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname);
};

/**
 * opencode on a host service calls BooChat's MCP server (the new_task tool) at `mcpUrl`. A loopback
 * address there is the host's own machine, not the web app's: its agents would silently get no
 * BooChat tools. Words for the start's log when some host is elsewhere, else null.
 */
export function mcpUnreachableWarning(hosts: readonly HostConfig[], mcpUrl: string | null): string | null {
  if (mcpUrl === null || !isLoopback(mcpUrl)) return null;
  const elsewhere = hosts.filter((host) => host.kind === "host-service" && !isLoopback(host.url)).map((host) => `"${host.name}"`);
  if (elsewhere.length === 0) return null;
  return (
    `BooChat's MCP server is at ${mcpUrl}, a loopback address: opencode on host ${elsewhere.join(", ")} cannot reach it, ` +
    "so agents there get no BooChat tools (new_task). Set BOOCHAT_MCP_URL to an address of this web app the hosts can reach (docs/HOSTS.md)"
  );
}
