import path from "node:path";
import type { Task } from "@prisma/client";
import { getDb, type Db } from "../db";
import { dataDirFrom, scratchDirFrom } from "../env";
import { AppError, notFound } from "../errors";
import { LIMITS } from "../limits";
import { buildOpencodeConfig, formatModelRef, parseModelRef, readAgentSettings, type AgentSettings, type ModelRef } from "./agent-settings";
import { chatDirectoryOf, chatDirectorySelect, chatTitleFor, resolveChatDirectory, resolveCreatorChat, type ChatDirectoryRow } from "./chat-directory";
import { createChatEvents, type ChatEventEnvelope, type ChatEvents } from "./chat-events";
import { createRunTracker, type RunTracker } from "./event-stream";
import { runExternalAgentTask } from "./external-agent";
import type { StoredMessage, TaskStatus, TaskView } from "./message-parts";
import { createOpencodeServer, type OpencodeServer, type OpencodeServerOptions } from "./opencode-server";
import { prepareOpencodeSession, runOpenCodeServerTask, type KnownSessions, type OpencodeTaskDeps, type PreparedSession } from "./run-opencode-task";
import { listSkills, skillPrompt, type Skill } from "./skills";
import { failTask, finishTask, isTerminal, saveMessage, toStoredMessage, toTaskView } from "./task-records";

export type AgentInfo = {
  name: string;
  kind: "opencode" | "external";
  /** opencode: the models it can use ("provider/model"), the default first. */
  models: string[];
  isDefault: boolean;
};

export type TaskCreator = "tab" | "skill" | "arena" | "mcp" | "new_task" | "generic";

/** What the routers (and the lead's services) need from the agent side. */
export type AgentRuntime = {
  /** Stores the user message and a task (`creator: "tab"`), starts the run, returns at once. */
  sendMessage(input: { chatId: string; text: string; agent?: string; model?: string }): Promise<{ taskId: string }>;
  /**
   * Any creator's task. A session-less creator may leave out the chat: one is resolved or made,
   * keyed by (creator, creatorRef).
   */
  startTask(input: {
    creator: TaskCreator;
    prompt: string;
    chatId?: string | null;
    creatorRef?: string | null;
    agent?: string;
    model?: string;
    /** Shown in the chat instead of the prompt (a skill run shows `/name args`). */
    display?: string;
    /** With no chat id: the session whose new tab the task lands in (none → a standalone chat). */
    sessionId?: string | null;
    /** With no chat id: the task whose agent started this one (new_task); recorded on the new tab. */
    startedByTaskId?: string | null;
    /** With no chat id: the title of a chat made for this task. */
    chatTitle?: string;
  }): Promise<{ taskId: string; chatId: string }>;
  /** Stop pressed: the agent stops (bounded, see stopTasks), the task ends `cancelled`. */
  abort(taskId: string): Promise<TaskView>;
  /**
   * Stops these tasks' agents: opencode aborts, an external agent's process group is killed, a
   * queued task never starts. Bounded: a run still going after `timeoutMs` (default 10 s) is ended
   * `cancelled` by BooChat itself, so no caller waits for ever.
   */
  stopTasks(taskIds: string[], options?: { reason?: string; timeoutMs?: number }): Promise<void>;
  getTask(id: string): Promise<TaskView>;
  /** Resolves when the task has ended (tests, benchmarks). */
  waitForTask(id: string, timeoutMs?: number): Promise<TaskView>;
  listMessages(chatId: string): Promise<StoredMessage[]>;
  subscribe(chatId: string, lastEventId?: string | null, signal?: AbortSignal): AsyncIterable<ChatEventEnvelope>;
  listSkills(chatId: string): Promise<Array<Omit<Skill, "prompt">>>;
  runSkill(input: { chatId: string; name: string; args?: string }): Promise<{ taskId: string }>;
  /** Ends a tab's agent contexts: running tasks stop, opencode forgets its sessions, the rows go. */
  forgetChat(chatId: string): Promise<void>;
  /** forgetChat for several tabs at once (a session being deleted): no agent outlives its tabs. */
  forgetChats(chatIds: string[], options?: { reason?: string }): Promise<void>;
  listAgents(): AgentInfo[];
  /** Starts opencode and the event stream now instead of at the first message. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops opencode and external agents' processes at once, without waiting: for the signal that
   * stops the server, which may not give an orderly stop the time to finish (open event streams
   * can keep the server up until it is killed, and a killed server runs no exit handlers).
   */
  stopNow(): void;
};

/** The runtime with its parts exposed, for tests and the benchmark. */
export type AgentRuntimeWithInternals = AgentRuntime & {
  readonly opencode: OpencodeServer;
  readonly tracker: RunTracker;
  readonly events: ChatEvents;
  readonly settings: AgentSettings;
};

export type AgentRuntimeOptions = {
  db: Db;
  settings: AgentSettings;
  dataDir: string;
  /** Where chats without a worktree get their folder (default: scratchDirFrom(), outside the data folder). */
  scratchDir?: string;
  /** Overrides for the opencode process (binary, port, restart backoff, timeouts). */
  opencode?: Partial<Omit<OpencodeServerOptions, "dataDir" | "config">>;
  /** How long a stop waits for an agent to confirm (default STOP_TIMEOUT_MS). */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
};

const MAX_PROMPT = 100_000;
/** How long a stop waits for an agent to confirm before BooChat ends the task itself. */
export const STOP_TIMEOUT_MS = 10_000;

export function createAgentRuntime(options: AgentRuntimeOptions): AgentRuntimeWithInternals {
  const { db, settings, dataDir } = options;
  const scratchDir = options.scratchDir ?? scratchDirFrom();
  const log = options.log ?? (() => {});
  const events = createChatEvents();
  const opencode = createOpencodeServer({ ...options.opencode, dataDir, config: buildOpencodeConfig(settings), log: options.opencode?.log ?? log });
  const tracker = createRunTracker({ db, events, opencode, modelRetries: settings.modelRetries, silenceMs: settings.silenceMs, log });
  const externalAborts = new Map<string, AbortController>();
  const runs = new Map<string, Promise<TaskStatus>>();
  const locks = new Map<string, Promise<unknown>>();
  let stopped = false;
  const createdAt = new Date();

  function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    locks.set(key, next);
    void next.finally(() => {
      if (locks.get(key) === next) locks.delete(key);
    }).catch(() => undefined);
    return next;
  }

  // Sessions seen alive since opencode last started (a restart may have lost any of them).
  const alive = new Map<string, number>();
  const sessions: KnownSessions = {
    isAlive: (id) => alive.get(id) === opencode.generation,
    remember: (id) => void alive.set(id, opencode.generation),
    forget: (id) => void alive.delete(id),
  };
  const taskDeps: OpencodeTaskDeps = { db, events, opencode, tracker, settings, scratchDir, withLock, sessions };

  function agentNames(): string[] {
    return ["opencode", ...settings.externalAgents.map((a) => a.name)];
  }

  function resolveModel(model: string | undefined): ModelRef | null {
    if (!model) return null;
    const ref = parseModelRef(model);
    const provider = ref && settings.providers.find((p) => p.id === ref.providerID);
    if (!ref || !provider?.models.includes(ref.modelID)) {
      throw new AppError("BAD_REQUEST", `Unknown model "${model}": configured are ${listAgents()[0]?.models.join(", ") || "none"}`);
    }
    return ref;
  }

  function listAgents(): AgentInfo[] {
    const models = settings.providers.flatMap((p) => p.models.map((m) => `${p.id}/${m}`));
    const preferred = settings.model ? formatModelRef(settings.model) : null;
    const ordered = preferred ? [preferred, ...models.filter((m) => m !== preferred)] : models;
    return [
      { name: "opencode", kind: "opencode", models: ordered, isDefault: true },
      ...settings.externalAgents.map((a): AgentInfo => ({ name: a.name, kind: "external", models: [], isDefault: false })),
    ];
  }

  function launch(
    task: Task,
    agent: string,
    extra: {
      creatorRef?: string | null;
      model?: ModelRef | null;
      prepared?: Promise<PreparedSession>;
      afterPromptSent?: () => Promise<void>;
      /** The run of the task ahead of this one in the same chat: this one starts when it has ended. */
      after?: Promise<unknown>;
    },
  ) {
    const taskId = task.id;
    const external = settings.externalAgents.find((a) => a.name === agent);
    const start = (): Promise<TaskStatus> => {
      if (external) {
        const controller = new AbortController();
        externalAborts.set(taskId, controller);
        return runExternalAgentTask({ db, events, scratchDir }, { taskId, agent: external, signal: controller.signal }).finally(() =>
          externalAborts.delete(taskId),
        );
      }
      // A task that waited in line reads its row again: it may have been stopped meanwhile.
      return runOpenCodeServerTask(taskDeps, { id: taskId, ...(extra.after ? {} : { task }), ...extra });
    };
    const run = extra.after ? extra.after.catch(() => undefined).then(start) : start();
    // A run never throws at its caller: whatever goes wrong ends the task as failed, in words.
    const guarded = run.catch(async (error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      log(`task ${taskId} failed: ${text}`);
      await failTask(db, events, taskId, text).catch(() => undefined);
      return "failed" as TaskStatus;
    });
    runs.set(taskId, guarded);
    void guarded.finally(() => runs.delete(taskId));
  }

  async function startTask(input: Parameters<AgentRuntime["startTask"]>[0]): Promise<{ taskId: string; chatId: string }> {
    if (stopped) throw new AppError("SERVICE_UNAVAILABLE", "BooChat's agent runtime is stopping");
    const prompt = input.prompt.trim();
    if (!prompt) throw new AppError("BAD_REQUEST", "The message is empty");
    if (prompt.length > MAX_PROMPT) throw new AppError("BAD_REQUEST", `The message is longer than ${MAX_PROMPT} characters`);

    let chatId = input.chatId ?? null;
    if (!chatId && (input.creator === "tab" || input.creator === "skill")) {
      throw new AppError("BAD_REQUEST", `A ${input.creator} task needs a chat id`);
    }
    if (input.agent && !agentNames().includes(input.agent)) {
      throw new AppError("BAD_REQUEST", `Unknown agent "${input.agent}": configured are ${agentNames().join(", ")}`);
    }
    if (!chatId) {
      // A session-less creator: its chat is resolved by (creator, reference) or made now, so the
      // task is shown like any other and ensureSession always has a chat to key on.
      ({ id: chatId } = await resolveCreatorChat(db, {
        creator: input.creator,
        creatorRef: input.creatorRef,
        sessionId: input.sessionId,
        agent: input.agent ?? "opencode",
        title: input.chatTitle ?? chatTitleFor(input.creator, prompt),
        startedByTaskId: input.startedByTaskId,
      }));
    }
    // The busy check and the task's row are one step per chat: two tasks at once cannot both
    // find the chat idle, so the second waits its turn behind the first.
    const resolvedChatId = chatId;
    return withLock(`start:${resolvedChatId}`, () => startInChat(input, resolvedChatId, prompt));
  }

  async function startInChat(input: Parameters<AgentRuntime["startTask"]>[0], chatId: string, prompt: string): Promise<{ taskId: string; chatId: string }> {
    // One read tells the chat, whether it is busy (its last task in line), and where its agent works.
    const chat: (ChatDirectoryRow & { agent: string; model: string | null; tasks: Array<{ id: string }> }) | null = await db.chat.findUnique({
      where: { id: chatId },
      select: {
        ...chatDirectorySelect,
        agent: true,
        model: true,
        tasks: { where: { status: { in: ["queued", "running"] } }, select: { id: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 },
      },
    });
    if (!chat) throw notFound("Tab", chatId);
    const agent = input.agent ?? chat.agent;
    if (!agentNames().includes(agent)) {
      throw new AppError("BAD_REQUEST", `Unknown agent "${agent}": configured are ${agentNames().join(", ")}`);
    }
    // The run's model: the one asked for, else the tab's own (an arena entry's), else the default.
    const model = resolveModel(input.model ?? chat.model ?? undefined);
    const busyWith = chat.tasks[0]?.id ?? null;
    if (busyWith && (input.creator === "tab" || input.creator === "skill")) {
      throw new AppError("CONFLICT", "This tab is still running a task: wait for it to finish or press Stop");
    }
    // A script's, an agent's or an MCP client's task waits its turn: same chat, same context.
    const after = busyWith ? (runs.get(busyWith) ?? Promise.resolve()) : undefined;

    // opencode's session is made ready while the task is written: neither needs the other.
    const prepared =
      agent === "opencode" && !after
        ? prepareOpencodeSession(taskDeps, { chatId: chat.id, agent, model, directory: chatDirectoryOf(chat, scratchDir) })
        : undefined;
    // Its failure belongs to the run, which awaits it; nobody else should be told of it.
    prepared?.catch(() => undefined);
    let task: Task;
    try {
      task = await db.task.create({
        data: { chatId: chat.id, sessionId: chat.sessionId, agent, creator: input.creator, prompt, status: "queued" },
      });
    } catch (error) {
      await prepared?.catch(() => undefined);
      throw error;
    }
    const message: StoredMessage = {
      id: `usr_${task.id}`,
      chatId: chat.id,
      taskId: task.id,
      role: "user",
      parts: [{ id: `usr_${task.id}`, type: "text", text: input.display ?? prompt }],
      createdAt: task.createdAt.toISOString(),
    };
    // Subscribers see the prompt before anything the run brings; the run starts before the write.
    events.publish(chat.id, { type: "message", message });
    events.publish(chat.id, { type: "task", task: toTaskView(task) });
    const saveUserMessage = () => saveMessage(db, { ...message, chatId: chat.id, createdAt: task.createdAt });
    launch(task, agent, { creatorRef: input.creatorRef, model, prepared, after, afterPromptSent: after ? undefined : saveUserMessage });
    // An external agent has no prompt to wait for, nor a task waiting in line: its user message is written now.
    if (agent !== "opencode" || after) await saveUserMessage();
    return { taskId: task.id, chatId: chat.id };
  }

  /**
   * Tasks a previous BooChat process left queued or running have no run any more (it died with
   * that process): they end as failed, in words, so their tabs are free for the next message.
   */
  async function failInterruptedTasks(): Promise<void> {
    const interrupted = await db.task.findMany({
      where: { status: { in: ["queued", "running"] }, createdAt: { lt: createdAt } },
      select: { id: true },
    });
    for (const task of interrupted) {
      if (runs.has(task.id)) continue;
      await failTask(db, events, task.id, "BooChat stopped while this task was waiting or running: send it again");
    }
    if (interrupted.length > 0) log(`${interrupted.length} task(s) interrupted by the last stop marked failed`);
  }

  async function getTask(id: string): Promise<TaskView> {
    const task = await db.task.findUnique({ where: { id } });
    if (!task) throw notFound("Task", id);
    return toTaskView(task);
  }

  async function chatOrThrow(chatId: string) {
    const chat = await db.chat.findUnique({ where: { id: chatId }, select: { id: true } });
    if (!chat) throw notFound("Tab", chatId);
    return chat;
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

  /** One task: ask its agent to stop, wait (bounded) for the run to end, else end it here. */
  async function stopTask(taskId: string, reason: string, timeoutMs: number): Promise<void> {
    const task = await db.task.findUnique({ where: { id: taskId }, select: { status: true } });
    if (!task || isTerminal(task.status)) return;
    const external = externalAborts.get(taskId);
    // An external agent's process group gets SIGTERM, then SIGKILL after a grace period.
    if (external) external.abort(reason);
    else if (!(await tracker.abort(taskId, reason))) await finishTask(db, events, taskId, "cancelled", `${reason} before it started`);
    const run = runs.get(taskId);
    const ended = run ? await Promise.race([run.then(() => true), sleep(timeoutMs).then(() => false)]) : true;
    if (!ended) {
      log(`task ${taskId} did not stop within ${timeoutMs} ms: ended as cancelled`);
      await tracker.cancel(taskId, `${reason} (the agent did not confirm within ${Math.round(timeoutMs / 1000)} s)`);
    }
  }

  async function stopTasks(taskIds: string[], stopOptions: { reason?: string; timeoutMs?: number } = {}): Promise<void> {
    const reason = stopOptions.reason ?? "Stopped";
    const timeoutMs = stopOptions.timeoutMs ?? options.stopTimeoutMs ?? STOP_TIMEOUT_MS;
    await Promise.all(taskIds.map((id) => stopTask(id, reason, timeoutMs)));
  }

  /** Stops the tabs' tasks, deletes their opencode sessions, and drops their agent_sessions rows. */
  async function forgetChats(chatIds: string[], forgetOptions: { reason?: string } = {}): Promise<void> {
    if (chatIds.length === 0) return;
    const running = await db.task.findMany({ where: { chatId: { in: chatIds }, status: { in: ["queued", "running"] } }, select: { id: true } });
    await stopTasks(running.map((t) => t.id), { reason: forgetOptions.reason ?? "Stopped" });
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

  const runtime: AgentRuntimeWithInternals = {
    opencode,
    tracker,
    events,
    settings,

    async sendMessage({ chatId, text, agent, model }) {
      const { taskId } = await startTask({ creator: "tab", chatId, prompt: text, agent, model });
      return { taskId };
    },

    startTask,

    async abort(taskId) {
      await getTask(taskId);
      await stopTasks([taskId], { reason: "Stopped" });
      return getTask(taskId);
    },

    stopTasks,

    getTask,

    async waitForTask(id, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const task = await getTask(id);
        if (isTerminal(task.status)) return task;
        if (Date.now() > deadline) throw new AppError("TIMEOUT", `Task ${id} is still ${task.status} after ${timeoutMs} ms`);
        const run = runs.get(id);
        await Promise.race([run ?? Promise.resolve(), new Promise((resolve) => setTimeout(resolve, run ? 1_000 : 50))]);
      }
    },

    async listMessages(chatId) {
      await chatOrThrow(chatId);
      const rows = await db.message.findMany({ where: { chatId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      return rows.map(toStoredMessage);
    },

    subscribe(chatId, lastEventId, signal) {
      if (events.totalSubscribers() >= LIMITS.eventStreams) {
        throw new AppError("TOO_MANY_REQUESTS", `Too many open event streams (${LIMITS.eventStreams}): close some tabs or windows of BooChat`);
      }
      return events.subscribe(chatId, { lastEventId, signal });
    },

    async listSkills(chatId) {
      await chatOrThrow(chatId);
      const directory = await resolveChatDirectory(db, chatId, scratchDir);
      const skills = await listSkills({ worktree: directory.scratch ? null : directory.path, ownSkillsDir: settings.skillsDir });
      return skills.map(({ prompt: _prompt, ...rest }) => rest);
    },

    async runSkill({ chatId, name, args = "" }) {
      await chatOrThrow(chatId);
      const directory = await resolveChatDirectory(db, chatId, scratchDir);
      const skills = await listSkills({ worktree: directory.scratch ? null : directory.path, ownSkillsDir: settings.skillsDir });
      const skill = skills.find((s) => s.name === name);
      if (!skill) throw new AppError("NOT_FOUND", `No skill named "${name}" in this tab's worktree or BooChat's skills`);
      const display = `/${skill.name}${args.trim() ? ` ${args.trim()}` : ""}`;
      const { taskId } = await startTask({ creator: "skill", chatId, prompt: skillPrompt(skill, args), display });
      return { taskId };
    },

    async forgetChat(chatId) {
      await forgetChats([chatId], { reason: "Stopped: its tab was closed" });
    },

    forgetChats,

    listAgents,

    async start() {
      await failInterruptedTasks();
      await opencode.ready();
      tracker.start();
      await tracker.connected();
    },

    stopNow() {
      stopped = true;
      for (const controller of externalAborts.values()) controller.abort();
      opencode.stopNow();
    },

    async stop() {
      stopped = true;
      for (const controller of externalAborts.values()) controller.abort();
      await tracker.stop();
      await Promise.all([...runs.values()]);
      await opencode.stop();
    },
  };
  return runtime;
}

const globalForAgents = globalThis as unknown as { boochatAgents?: AgentRuntime };

/**
 * The process-wide runtime of the running app (kept across Next.js hot reloads), created on first
 * use from the environment: opencode starts in the background right away so the first message
 * does not wait for it.
 */
export function getAgentRuntime(): AgentRuntime {
  if (!globalForAgents.boochatAgents) {
    const dataDir = dataDirFrom();
    let settings: AgentSettings;
    try {
      settings = readAgentSettings({ dataDir });
    } catch (error) {
      // Broken settings must not take the rest of the app down: agents answer with the reason.
      const reason = error instanceof AppError ? error : new AppError("PRECONDITION_FAILED", String(error));
      console.error(`[agents] ${reason.message}`);
      globalForAgents.boochatAgents = unavailableRuntime(reason);
      return globalForAgents.boochatAgents;
    }
    const port = Number(process.env.BOOCHAT_OPENCODE_PORT ?? "");
    const runtime = createAgentRuntime({
      db: getDb(),
      settings,
      dataDir,
      opencode: {
        ...(process.env.BOOCHAT_OPENCODE_BIN?.trim() ? { binary: process.env.BOOCHAT_OPENCODE_BIN.trim() } : {}),
        ...(Number.isInteger(port) && port > 0 ? { port } : {}),
      },
      log: (line) => console.log(`[agents] ${line}`),
    });
    globalForAgents.boochatAgents = runtime;
    runtime.start().catch((error: unknown) => console.error(`[agents] opencode did not start: ${error instanceof Error ? error.message : String(error)}`));
  }
  return globalForAgents.boochatAgents;
}

/** The agent runtime of a tRPC context; a context built without one cannot run agents. */
export function agentsOf(ctx: { agents?: AgentRuntime }): AgentRuntime {
  if (!ctx.agents) throw new AppError("SERVICE_UNAVAILABLE", "Agents are not available in this server (no agent runtime in the context)");
  return ctx.agents;
}

/** A runtime that cannot run agents (the settings are broken): every call says why; closing a tab still works. */
export function unavailableRuntime(reason: AppError): AgentRuntime {
  const fail = async (): Promise<never> => {
    throw reason;
  };
  return {
    sendMessage: fail,
    startTask: fail,
    abort: fail,
    stopTasks: async () => undefined,
    getTask: fail,
    waitForTask: fail,
    listMessages: fail,
    subscribe: () => ({
      [Symbol.asyncIterator]: () => ({ next: fail }),
    }),
    listSkills: fail,
    runSkill: fail,
    forgetChat: async () => undefined,
    forgetChats: async () => undefined,
    listAgents: () => [],
    start: fail,
    stop: async () => undefined,
    stopNow: () => undefined,
  };
}
