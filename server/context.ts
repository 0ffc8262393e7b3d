import { getAgentRuntime } from "./agents/runtime";
import { getDb } from "./db";
import { readServerSettings, type ServerSettings } from "./env";
import { createSidecarClient, type SidecarClient } from "./sidecar-client";
import { createContextInner } from "./trpc/init";

const globalForContext = globalThis as unknown as { boochatSidecar?: SidecarClient; boochatSettings?: ServerSettings };

function settings(): ServerSettings {
  globalForContext.boochatSettings ??= readServerSettings();
  return globalForContext.boochatSettings;
}

function getSidecarClient(): SidecarClient {
  globalForContext.boochatSidecar ??= createSidecarClient({ url: settings().sidecarUrl, token: settings().sidecarToken });
  return globalForContext.boochatSidecar;
}

/** The context of a request to the running app: the app's db, sidecar client and agent runtime. */
export function createAppContext() {
  return createContextInner({
    db: getDb(),
    sidecar: getSidecarClient(),
    agents: getAgentRuntime(),
    riskTimeoutMs: settings().riskTimeoutMs,
  });
}
