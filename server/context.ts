import { getAgentRuntime } from "./agents/app-runtime";
import { getDb } from "./db";
import { getSettings } from "./settings/settings";
import { createHostRouter, type HostRouter } from "./hosts/host-router";
import { getHosts } from "./hosts/hosts-config";
import { createContextInner } from "./trpc/init";

const globalForContext = globalThis as unknown as { boochatHostRouter?: HostRouter };

/** The app's one router over its hosts (BOOCHAT_HOSTS_FILE, else the `local` sidecar). */
function getHostRouter(): HostRouter {
  globalForContext.boochatHostRouter ??= createHostRouter({ db: getDb(), hosts: getHosts() });
  return globalForContext.boochatHostRouter;
}

/** The context of a request to the running app: the app's db, its hosts' router and agent runtime. */
export function createAppContext() {
  return createContextInner({
    db: getDb(),
    sidecar: getHostRouter(),
    agents: getAgentRuntime(),
    riskTimeoutMs: getSettings().riskTimeoutMs,
  });
}
