import { getAgentRuntime } from "./agents/app-runtime";
import { boochatMcpFrom } from "./agents/agent-settings";
import { getHosts } from "./hosts/hosts-config";
import { mcpUnreachableWarning } from "./hosts/mcp-reach";
import { getSettings } from "./settings/settings";

/**
 * What the Next.js server does once when it starts (instrumentation.ts, Node.js runtime only):
 * check every setting and the hosts file (a bad one stops the start, named), then start (and supervise) opencode
 * right away, so `npm start` brings up every process and the first message does not wait for it.
 */
export function startServer(): void {
  try {
    const settings = getSettings();
    // Only the address matters here: no agent token is made for it.
    const mcp = boochatMcpFrom(settings.mcpUrl, settings, "");
    const warning = mcpUnreachableWarning(getHosts(), mcp?.url ?? null);
    if (warning) console.error(`[boochat] warning: ${warning}`);
  } catch (error) {
    console.error(`[boochat] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const runtime = getAgentRuntime();
  // Next.js handles these signals itself and may be killed before an orderly stop completes (open
  // event streams keep it up): opencode's process group goes at once, so it is never orphaned.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => runtime.stopNow());
}
