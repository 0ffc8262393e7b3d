import type { Db } from "../db";
import { AppError } from "../errors";
import { createKeyLock } from "../lib/key-lock";
import { formatModelRef, parseModelRef, type ModelRef } from "../schemas/model-ref";
import type { AgentSettings } from "./agent-settings";
import { resolveChatDirectory, type ChatDirectory } from "./chat-directory";
import { createChatEvents, type ChatEvents } from "./chat-events";
import { createOpencodeEventSource } from "./opencode/event-source";
import type { OpencodeServer } from "./opencode/opencode-process";
import { prepareOpencodeSession, type KnownSessions, type OpencodeTaskDeps } from "./opencode/run-opencode-task";
import { createRunRegistry } from "./runs/run-registry";
import { createRunTracker } from "./runs/run-tracker";
import { startTask, type StartTaskInput, type TaskCreator } from "./runs/start-task";
import { failTask } from "./runs/task-records";

export type { TaskCreator, StartTaskInput };
export { STOP_TIMEOUT_MS } from "./runs/run-registry";

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
  /** Where a chat's agent works: its session's worktree, else its scratch folder. */
  chatDirectory(chatId: string): Promise<ChatDirectory>;
  /** BooChat's own skills folder. */
  readonly skillsDir: string;
  /** Ends tasks a previous process left queued or running, starts opencode and its event stream. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops opencode and external agents' processes at once, without waiting: for the signal that
   * stops the server, which may not give an orderly stop the time to finish.
   */
  stopNow(): void;
};

export type AgentRuntimeOptions = {
  db: Db;
  settings: AgentSettings;
  /** The supervised `opencode serve` (opencode/opencode-process.ts), not yet started. */
  opencode: OpencodeServer;
  /** Where chats without a worktree get their folder (BOOCHAT_SCRATCH_DIR). */
  scratchDir: string;
  /** How long a stop waits for an agent to confirm (default STOP_TIMEOUT_MS). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
};

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

/** The opencode sessions seen alive since opencode last started (a restart may have lost any of them). */
function knownSessions(opencode: OpencodeServer): KnownSessions {
  const alive = new Map<string, number>();
  return {
    isAlive: (id) => alive.get(id) === opencode.generation,
    remember: (id) => void alive.set(id, opencode.generation),
    forget: (id) => void alive.delete(id),
  };
}

/**
 * What running tasks on opencode takes: the run tracker fed by one event source, the per-chat lock
 * and the sessions known alive. The runtime makes one; a test may make its own to run a task row
 * directly (runOpenCodeServerTask).
 */
export function createOpencodeRunner(options: Omit<AgentRuntimeOptions, "stopTimeoutMs"> & { events: ChatEvents }): OpencodeTaskDeps {
  const { db, events, settings, opencode, scratchDir } = options;
  const log = options.log ?? (() => {});
  const tracker = createRunTracker({ db, events, client: () => opencode.client, modelRetries: settings.modelRetries, silenceMs: settings.silenceMs, log });
  const eventSource = createOpencodeEventSource({ opencode, onEvent: tracker.handle, onReconnect: tracker.resyncAll, log });
  return { db, events, opencode, tracker, eventSource, settings, scratchDir, withLock: createKeyLock(), sessions: knownSessions(opencode) };
}

export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  const { db, settings, opencode, scratchDir } = options;
  const log = options.log ?? (() => {});
  const events = createChatEvents();
  const taskDeps = createOpencodeRunner({ ...options, events, log });
  const { tracker, eventSource, withLock, sessions } = taskDeps;
  const registry = createRunRegistry({ db, events, tracker, stopTimeoutMs: options.stopTimeoutMs, log });
  const createdAt = new Date();
  let stopped = false;

  opencode.onExit((exit) => {
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    void tracker.endAll({ status: "failed", error: `opencode stopped unexpectedly (${how}) while this task was running. BooChat is restarting it; send the message again.` });
    // The stream of a dead opencode is over: subscribe anew once it is back (perhaps on another port).
    eventSource.reconnect();
  });

  /** Tasks a previous BooChat process left queued or running have no run any more: they end as failed, in words. */
  async function failInterruptedTasks(): Promise<void> {
    const interrupted = await db.task.findMany({ where: { status: { in: ["queued", "running"] }, createdAt: { lt: createdAt } }, select: { id: true } });
    for (const task of interrupted) {
      if (registry.runOf(task.id)) continue;
      await failTask(db, events, task.id, "BooChat stopped while this task was waiting or running: send it again");
    }
    if (interrupted.length > 0) log(`${interrupted.length} task(s) interrupted by the last stop marked failed`);
  }

  async function forgetChats(chatIds: string[], forgetOptions: { reason?: string } = {}): Promise<void> {
    if (chatIds.length === 0) return;
    const running = await db.task.findMany({ where: { chatId: { in: chatIds }, status: { in: ["queued", "running"] } }, select: { id: true } });
    await registry.stopTasks(running.map((t) => t.id), { reason: forgetOptions.reason ?? "Stopped" });
    const rows = await db.agentSession.findMany({ where: { chatId: { in: chatIds }, agent: "opencode" } });
    for (const row of rows) sessions.forget(row.externalId);
    if (rows.length > 0) {
      try {
        await opencode.ready(5_000);
        await Promise.all(rows.map((row) => opencode.client.session.delete({ sessionID: row.externalId })));
      } catch (error) {
        // Closing a tab or deleting a session must work while opencode is down; its sessions are then left behind.
        log(`could not delete opencode sessions: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await db.agentSession.deleteMany({ where: { chatId: { in: chatIds } } });
    for (const chatId of chatIds) events.forget(chatId);
  }

  const agentNames = () => agentInfos(settings).map((agent) => agent.name);
  const start = (input: StartTaskInput) =>
    startTask({ db, events, settings, scratchDir, registry, opencode: taskDeps, withLock, agentNames, resolveModel: (model) => modelOf(settings, model), accepting: () => !stopped }, input);
  return {
    events,
    skillsDir: settings.skillsDir,
    startTask: start,
    async sendMessage({ chatId, text, agent, model }) {
      const { taskId } = await start({ creator: "tab", chatId, prompt: text, agent, model });
      return { taskId };
    },
    stopTasks: (taskIds, stopOptions) => registry.stopTasks(taskIds, stopOptions),
    async prepareChat(chatId) {
      try {
        const chat = await db.chat.findUnique({ where: { id: chatId }, select: { agent: true, model: true } });
        if (!chat || chat.agent !== "opencode" || stopped) return false;
        const model = modelOf(settings, chat.model ?? undefined);
        if (!model && !settings.model) return false;
        // The same lock and reuse rules as a message's own preparation: a message sent meanwhile waits for it.
        await prepareOpencodeSession(taskDeps, { chatId, agent: "opencode", model });
        return true;
      } catch (error) {
        // A tab closed while it was being prepared needs nothing more (ensureSession dropped what it made).
        if (error instanceof AppError && error.code === "NOT_FOUND") return false;
        log(`could not prepare tab ${chatId}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    },
    forgetChats,
    listAgents: () => agentInfos(settings),
    chatDirectory: (chatId) => resolveChatDirectory(db, chatId, scratchDir),
    async start() {
      await failInterruptedTasks();
      await opencode.ready();
      tracker.start();
      eventSource.start();
      await eventSource.connected();
    },
    stopNow() {
      stopped = true;
      registry.abortExternal();
      opencode.stopNow();
    },
    async stop() {
      stopped = true;
      registry.abortExternal();
      tracker.stop();
      await eventSource.stop();
      await tracker.endAll({ status: "cancelled", error: "BooChat stopped while this task was running" });
      await registry.settled();
      await opencode.stop();
    },
  };
}

/** The agent runtime of a tRPC context; a context built without one cannot run agents. */
export function agentsOf(ctx: { agents?: AgentRuntime }): AgentRuntime {
  if (!ctx.agents) throw new AppError("SERVICE_UNAVAILABLE", "Agents are not available in this server (no agent runtime in the context)");
  return ctx.agents;
}
