import type { Db } from "../db";
import { AppError, notFound } from "../errors";
import type { HostConfig } from "../hosts/hosts-config";
import { createKeyLock } from "../lib/key-lock";
import { formatModelRef, parseModelRef, type ModelRef } from "../schemas/model-ref";
import type { AgentSettings } from "./agent-settings";
import { chatDirectoryOf, chatDirectorySelect, hostOfChat, LOCAL_SIDECAR_HOST, resolveChatDirectory, type ChatDirectory, type ChatPlaces } from "./chat-directory";
import { createChatEvents, type ChatEvents } from "./chat-events";
import { createHostRunners, type HostRunners } from "./host-runners";
import type { OpencodeServer } from "./opencode/opencode-process";
import { prepareOpencodeSession, type OpencodeTaskDeps } from "./opencode/run-opencode-task";
import { createRunRegistry, type RunRegistry } from "./runs/run-registry";
import { startTask, type StartTaskInput, type TaskCreator } from "./runs/start-task";
import { failTask } from "./runs/task-records";

export type { TaskCreator, StartTaskInput };
export { STOP_TIMEOUT_MS } from "./runs/run-registry";
export { createOpencodeRunner } from "./host-runners";

export type AgentInfo = {
  name: string;
  kind: "opencode" | "external";
  /** opencode: the models it can use ("provider/model"), the default first. */
  models: string[];
  isDefault: boolean;
};

/**
 * What the services need from the agent side (the use cases themselves are services: sending a
 * message, running a skill, creating or cancelling a task, closing a tab).
 */
export type AgentRuntime = {
  /** Writes a task (any creator) and starts its run; returns at once. */
  startTask(input: StartTaskInput): Promise<{ taskId: string; chatId: string }>;
  /** A message for a tab (typed, or a review sent to it): its task (`creator: "tab"`) refuses a busy tab. */
  sendMessage(input: { chatId: string; text: string; agent?: string; model?: string }): Promise<{ taskId: string }>;
  /**
   * Stops these tasks' agents: opencode aborts, an external agent's process group is killed, a
   * queued task never starts. Bounded: a run still going after `timeoutMs` (default 10 s) is ended
   * `cancelled` by BooChat itself, so no caller waits for ever.
   */
  stopTasks(taskIds: string[], options?: { reason?: string; timeoutMs?: number }): Promise<void>;
  /** Ends tabs' agent contexts: running tasks stop, opencode forgets its sessions, the rows go. No agent outlives its tabs. */
  forgetChats(chatIds: string[], options?: { reason?: string }): Promise<void>;
  /**
   * Makes a new tab's agent context ready (its opencode session, in its folder) before the first
   * message, so that message is as quick as the ones after it. Resolves true when ready, false when
   * there is nothing to prepare (an external agent, no model); never throws: a failure is the
   * first message's to report.
   */
  prepareChat(chatId: string): Promise<boolean>;
  listAgents(): AgentInfo[];
  /** The chats' live events (publish and follow). */
  readonly events: ChatEvents;
  /** Where a chat's agent works: its session's worktree, else its scratch folder (on the host `host` names). */
  chatDirectory(chatId: string): Promise<ChatDirectory>;
  /** The name of the host a chat's agent runs on: its session's worktree's host, else the home host (the first). */
  hostOfChat(chatId: string): Promise<string>;
  /** BooChat's own skills folder. */
  readonly skillsDir: string;
  /** The agent hosts (the first is the home host), to reach the one a chat's folder is on. */
  readonly hosts: readonly HostConfig[];
  /** Ends tasks a previous process left queued or running, starts the home host's opencode and its event stream (other hosts' on first use). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops opencode and external agents' processes at once, without waiting: for the signal that
   * stops the server, which may not give an orderly stop the time to finish. A host service's
   * opencode belongs to its host: BooChat only stops watching it.
   */
  stopNow(): void;
};

export type AgentRuntimeOptions = {
  db: Db;
  settings: AgentSettings;
  /** Where chats without a worktree get their folder on a local host (BOOCHAT_SCRATCH_DIR). */
  scratchDir: string;
  /** How long a stop waits for an agent to confirm (default STOP_TIMEOUT_MS). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
} & (
  | {
      /** Today's single `local` host: the supervised `opencode serve` (opencode/opencode-process.ts), not yet started. */
      opencode: OpencodeServer;
    }
  | {
      /** The agent hosts (hosts-config.ts readHosts); the first is the home host of chats without a worktree. */
      hosts: readonly HostConfig[];
      /** A host's opencode, not yet started; asked once per host, on its first use. */
      opencodeOf(host: HostConfig): OpencodeServer;
    }
);

/** The hosts and their opencode, from either form of the options. */
function hostsOf(options: AgentRuntimeOptions): { hosts: readonly HostConfig[]; opencodeOf(host: HostConfig): OpencodeServer } {
  if ("opencode" in options) return { hosts: [LOCAL_SIDECAR_HOST], opencodeOf: () => options.opencode };
  return options;
}

/** The agents a task may name, with their models: opencode first (the default), then the external agents. */
function agentInfos(settings: AgentSettings): AgentInfo[] {
  const models = settings.providers.flatMap((p) => p.models.map((m) => `${p.id}/${m}`));
  const preferred = settings.model ? formatModelRef(settings.model) : null;
  const ordered = preferred ? [preferred, ...models.filter((m) => m !== preferred)] : models;
  return [
    { name: "opencode", kind: "opencode", models: ordered, isDefault: true },
    ...settings.externalAgents.map((a): AgentInfo => ({ name: a.name, kind: "external", models: [], isDefault: false })),
  ];
}

/** A model asked for by name, checked against the configured ones. */
function modelOf(settings: AgentSettings, model: string | undefined): ModelRef | null {
  if (!model) return null;
  const ref = parseModelRef(model);
  const provider = ref && settings.providers.find((p) => p.id === ref.providerID);
  if (!ref || !provider?.models.includes(ref.modelID)) {
    throw new AppError("BAD_REQUEST", `Unknown model "${model}": configured are ${agentInfos(settings)[0]?.models.join(", ") || "none"}`);
  }
  return ref;
}

/** What the runtime's parts share. */
type Core = {
  db: Db;
  settings: AgentSettings;
  events: ChatEvents;
  places: ChatPlaces;
  runners: HostRunners;
  registry: RunRegistry;
  log: (line: string) => void;
};

/** The host a chat runs on, from its row. */
function hostOf(core: Core, chat: Parameters<typeof hostOfChat>[0]): HostConfig {
  return hostOfChat(chat, core.places.hosts);
}

/** Tasks a previous BooChat process left queued or running have no run any more: they end as failed, in words. */
async function failInterruptedTasks(core: Core, createdAt: Date): Promise<void> {
  const { db, events, registry, log } = core;
  const interrupted = await db.task.findMany({ where: { status: { in: ["queued", "running"] }, createdAt: { lt: createdAt } }, select: { id: true } });
  for (const task of interrupted) {
    if (registry.runOf(task.id)) continue;
    await failTask(db, events, task.id, "BooChat stopped while this task was waiting or running: send it again");
  }
  if (interrupted.length > 0) log(`${interrupted.length} task(s) interrupted by the last stop marked failed`);
}

/** Deletes opencode sessions on the runner of their chat's host; a host that is down leaves them behind. */
async function deleteOpencodeSessions(core: Core, runner: OpencodeTaskDeps, externalIds: string[]): Promise<void> {
  for (const id of externalIds) runner.sessions.forget(id);
  try {
    await runner.opencode.ready(5_000);
    await Promise.all(externalIds.map((id) => runner.opencode.client.session.delete({ sessionID: id })));
  } catch (error) {
    // Closing a tab or deleting a session must work while opencode is down; its sessions are then left behind.
    core.log(`could not delete opencode sessions: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function forgetChats(core: Core, chatIds: string[], reason: string): Promise<void> {
  const { db, registry, events } = core;
  if (chatIds.length === 0) return;
  const running = await db.task.findMany({ where: { chatId: { in: chatIds }, status: { in: ["queued", "running"] } }, select: { id: true } });
  await registry.stopTasks(running.map((t) => t.id), { reason });
  const rows = await db.agentSession.findMany({ where: { chatId: { in: chatIds }, agent: "opencode" }, select: { externalId: true, chat: { select: chatDirectorySelect } } });
  const byHost = new Map<HostConfig, string[]>();
  for (const row of rows) {
    const host = hostOf(core, row.chat);
    byHost.set(host, [...(byHost.get(host) ?? []), row.externalId]);
  }
  await Promise.all([...byHost].map(([host, ids]) => deleteOpencodeSessions(core, core.runners.of(host), ids)));
  await db.agentSession.deleteMany({ where: { chatId: { in: chatIds } } });
  for (const chatId of chatIds) events.forget(chatId);
}

async function prepareChat(core: Core, chatId: string): Promise<boolean> {
  const { db, settings, log } = core;
  try {
    const chat = await db.chat.findUnique({ where: { id: chatId }, select: { ...chatDirectorySelect, agent: true, model: true } });
    if (!chat || chat.agent !== "opencode") return false;
    const model = modelOf(settings, chat.model ?? undefined);
    if (!model && !settings.model) return false;
    // The same lock and reuse rules as a message's own preparation: a message sent meanwhile waits for it.
    const runner = core.runners.of(hostOf(core, chat));
    await prepareOpencodeSession(runner, { chatId, agent: "opencode", model, directory: chatDirectoryOf(chat, core.places) });
    return true;
  } catch (error) {
    // A tab closed while it was being prepared needs nothing more (ensureSession dropped what it made).
    if (error instanceof AppError && error.code === "NOT_FOUND") return false;
    log(`could not prepare tab ${chatId}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** The home host's opencode and its event stream, at start (other hosts start on first use). */
async function startHome(core: Core): Promise<void> {
  const { opencode, tracker, eventSource } = core.runners.of(core.runners.home);
  await opencode.ready();
  tracker.start();
  eventSource.start();
  await eventSource.connected();
}

async function stopRunners(core: Core): Promise<void> {
  const runners = core.runners.made();
  for (const runner of runners) runner.tracker.stop();
  await Promise.all(runners.map((runner) => runner.eventSource.stop()));
  await Promise.all(runners.map((runner) => runner.tracker.endAll({ status: "cancelled", error: "BooChat stopped while this task was running" })));
  await core.registry.settled();
  await Promise.all(runners.map((runner) => runner.opencode.stop()));
}

export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  const { db, settings } = options;
  const log = options.log ?? (() => {});
  const events = createChatEvents();
  const { hosts, opencodeOf } = hostsOf(options);
  const places: ChatPlaces = { hosts, scratchRoot: options.scratchDir };
  const runners = createHostRunners({ db, events, settings, places, opencodeOf, log });
  const registry = createRunRegistry({ db, events, tracker: runners.of(runners.home).tracker, stopTimeoutMs: options.stopTimeoutMs, log });
  const core: Core = { db, settings, events, places, runners, registry, log };
  const createdAt = new Date();
  let stopped = false;

  const agentNames = () => agentInfos(settings).map((agent) => agent.name);
  const withLock = createKeyLock();
  const start = (input: StartTaskInput) =>
    startTask({ db, events, settings, places, registry, runnerOf: runners.of, withLock, agentNames, resolveModel: (model) => modelOf(settings, model), accepting: () => !stopped }, input);
  return {
    events,
    skillsDir: settings.skillsDir,
    hosts,
    startTask: start,
    async sendMessage({ chatId, text, agent, model }) {
      const { taskId } = await start({ creator: "tab", chatId, prompt: text, agent, model });
      return { taskId };
    },
    stopTasks: (taskIds, stopOptions) => registry.stopTasks(taskIds, stopOptions),
    prepareChat: async (chatId) => !stopped && (await prepareChat(core, chatId)),
    forgetChats: (chatIds, forgetOptions = {}) => forgetChats(core, chatIds, forgetOptions.reason ?? "Stopped"),
    listAgents: () => agentInfos(settings),
    chatDirectory: (chatId) => resolveChatDirectory(db, chatId, places),
    async hostOfChat(chatId) {
      const chat = await db.chat.findUnique({ where: { id: chatId }, select: chatDirectorySelect });
      if (!chat) throw notFound("Tab", chatId);
      return hostOf(core, chat).name;
    },
    async start() {
      await failInterruptedTasks(core, createdAt);
      await startHome(core);
    },
    stopNow() {
      stopped = true;
      registry.abortExternal();
      for (const runner of runners.made()) runner.opencode.stopNow();
    },
    async stop() {
      stopped = true;
      registry.abortExternal();
      await stopRunners(core);
    },
  };
}

/** The agent runtime of a tRPC context; a context built without one cannot run agents. */
export function agentsOf(ctx: { agents?: AgentRuntime }): AgentRuntime {
  if (!ctx.agents) throw new AppError("SERVICE_UNAVAILABLE", "Agents are not available in this server (no agent runtime in the context)");
  return ctx.agents;
}
