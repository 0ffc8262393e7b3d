import { getAgentRuntime } from "./agents/app-runtime";
import { getDb } from "./db";
import { getSettings } from "./settings/settings";
import { createSidecarClient, type SidecarClient } from "./sidecar-client";
import { createContextInner } from "./trpc/init";

const globalForContext = globalThis as unknown as { boochatSidecar?: SidecarClient };

function getSidecarClient(): SidecarClient {
  const { sidecarUrl, sidecarToken } = getSettings();
  globalForContext.boochatSidecar ??= createSidecarClient({ url: sidecarUrl, token: sidecarToken });
  return globalForContext.boochatSidecar;
}

/** The context of a request to the running app: the app's db, sidecar client and agent runtime. */
export function createAppContext() {
  return createContextInner({
    db: getDb(),
    sidecar: getSidecarClient(),
    agents: getAgentRuntime(),
    riskTimeoutMs: getSettings().riskTimeoutMs,
  });
}
