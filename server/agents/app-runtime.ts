import { getDb } from "../db";
import { AppError } from "../errors";
import { getHosts, type HostConfig } from "../hosts/hosts-config";
import { createRemoteOpencode } from "../hosts/remote-opencode";
import { getSettings, type Settings } from "../settings/settings";
import { readAgentSettings, type AgentSettings } from "./agent-settings";
import { createChatEvents } from "./chat-events";
import { buildOpencodeConfig } from "./opencode/opencode-config";
import { createOpencodeServer, type OpencodeServer } from "./opencode/opencode-process";
import { createAgentRuntime, type AgentRuntime } from "./runtime";

const globalForAgents = globalThis as unknown as { boochatAgents?: AgentRuntime };

/**
 * A host's opencode: beside the web app for the local sidecar host (today's setup), else the one
 * the host service runs, given BooChat's configuration.
 */
function opencodeOfHost(settings: Settings, agentSettings: AgentSettings, log: (line: string) => void): (host: HostConfig) => OpencodeServer {
  const config = buildOpencodeConfig(agentSettings);
  return (host) => {
    if (host.kind === "host-service") return createRemoteOpencode({ host, config, lossTimeoutMs: agentSettings.hostLossTimeoutMs, log });
    return createOpencodeServer({
      dataDir: settings.dataDir,
      config,
      ...(settings.opencodeBin ? { binary: settings.opencodeBin } : {}),
      ...(settings.opencodePort ? { port: settings.opencodePort } : {}),
      log,
    });
  };
}

/**
 * The process-wide runtime of the running app (kept across Next.js hot reloads), created on first
 * use from BooChat's settings: the home host's opencode starts in the background right away so the
 * first message does not wait for it (other hosts' on their first use).
 */
export function getAgentRuntime(): AgentRuntime {
  if (globalForAgents.boochatAgents) return globalForAgents.boochatAgents;
  const settings = getSettings();
  try {
    const agentSettings = readAgentSettings({ settings: { ...settings, app: settings } });
    const log = (line: string) => console.log(`[agents] ${line}`);
    const hosts = getHosts();
    const opencodeOf = opencodeOfHost(settings, agentSettings, log);
    const runtime = createAgentRuntime({ db: getDb(), settings: agentSettings, hosts, opencodeOf, scratchDir: settings.scratchDir, log });
    globalForAgents.boochatAgents = runtime;
    runtime.start().catch((error: unknown) => console.error(`[agents] opencode did not start: ${error instanceof Error ? error.message : String(error)}`));
  } catch (error) {
    // Broken agent settings must not take the rest of the app down: agents answer with the reason.
    const reason = error instanceof AppError ? error : new AppError("PRECONDITION_FAILED", String(error));
    console.error(`[agents] ${reason.message}`);
    globalForAgents.boochatAgents = unavailableRuntime(reason);
  }
  return globalForAgents.boochatAgents;
}

/** A runtime that cannot run agents (the settings are broken): every call says why; closing a tab still works. */
export function unavailableRuntime(reason: AppError): AgentRuntime {
  const fail = async (): Promise<never> => {
    throw reason;
  };
  const events = createChatEvents();
  return {
    // Following a chat says why, as every other call does.
    events: { ...events, subscribe: () => ({ [Symbol.asyncIterator]: () => ({ next: fail }) }) },
    skillsDir: "",
    hosts: [],
    startTask: fail,
    sendMessage: fail,
    stopTasks: async () => undefined,
    forgetChats: async () => undefined,
    prepareChat: async () => false,
    listAgents: () => [],
    chatDirectory: fail,
    hostOfChat: fail,
    start: fail,
    stop: async () => undefined,
    stopNow: () => undefined,
  };
}
