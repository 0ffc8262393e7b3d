import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AgentSettings, ExternalAgentSettings } from "../../server/agents/agent-settings";
import type { ChatEventEnvelope } from "../../server/agents/chat-events";
import { buildOpencodeConfig } from "../../server/agents/opencode/opencode-config";
import { createOpencodeServer, type OpencodeServer } from "../../server/agents/opencode/opencode-process";
import { toTaskView } from "../../server/agents/runs/task-records";
import { createAgentRuntime, type AgentRuntime, type StartTaskInput } from "../../server/agents/runtime";
import type { Db } from "../../server/db";
import { AppError, notFound } from "../../server/errors";
import type { StoredMessage, TaskView } from "../../server/schemas/chat-event";
import { followChat } from "../../server/services/chat/follow-chat";
import { listMessages } from "../../server/services/chat/list-messages";
import { sendMessage } from "../../server/services/chat/send-message";
import { cancelTask } from "../../server/services/task/cancel-task";
import { createEventStreamTap, type EventStreamTap } from "./event-stream-tap";
import { startScriptedModelServer, type ScriptedModelServer } from "./scripted-model-server";
import { createTestDb } from "./test-db";

/** Agent settings aimed at a scripted model server: provider `mock` with models `mock-1` and `mock-2`. */
export function scriptedSettings(modelUrl: string, dataDir: string, overrides: Partial<AgentSettings> = {}): AgentSettings {
  return {
    model: { providerID: "mock", modelID: "mock-1" },
    providers: [{ id: "mock", name: "Scripted model", baseURL: modelUrl, apiKey: "test", models: ["mock-1", "mock-2"] }],
    externalAgents: [],
    opencodeAgent: "build",
    systemPrompt: null,
    tools: null,
    modelRetries: 0,
    silenceMs: 5_000,
    skillsDir: path.join(dataDir, "skills"),
    settingsFile: null,
    ...overrides,
  };
}

const TERMINAL = ["succeeded", "failed", "cancelled"];

/** A task as the tab sees it. */
export async function taskView(db: Db, id: string): Promise<TaskView> {
  const task = await db.task.findUnique({ where: { id } });
  if (!task) throw notFound("Task", id);
  return toTaskView(task);
}

/** Resolves when the task has ended (polling its row), or fails after `timeoutMs`. */
export async function waitForTask(db: Db, id: string, timeoutMs = 60_000): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await taskView(db, id);
    if (TERMINAL.includes(task.status)) return task;
    if (Date.now() > deadline) throw new AppError("TIMEOUT", `Task ${id} is still ${task.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type AgentHarness = {
  db: Db;
  runtime: AgentRuntime;
  /** The supervised opencode the runtime drives (its SDK client, pid, generation). */
  opencode: OpencodeServer;
  /** The settings the runtime was given (a test may adjust an external agent's env). */
  settings: AgentSettings;
  /** opencode's event stream, as the network carries it: cut it, count its connections. */
  eventStream: EventStreamTap;
  model: ScriptedModelServer;
  dataDir: string;
  sendMessage(input: { chatId: string; text: string; agent?: string; model?: string }): Promise<{ taskId: string }>;
  startTask(input: StartTaskInput): Promise<{ taskId: string; chatId: string }>;
  getTask(id: string): Promise<TaskView>;
  waitForTask(id: string, timeoutMs?: number): Promise<TaskView>;
  listMessages(chatId: string): Promise<StoredMessage[]>;
  subscribe(chatId: string, lastEventId?: string | null): AsyncIterable<ChatEventEnvelope>;
  /** Stop pressed: the task as it ended. */
  abort(taskId: string): Promise<TaskView>;
  /** Makes a chat (tab), in a session when a worktree path is given (the session's worktrees row points there). */
  createChat(options?: { worktree?: string; sessionId?: string; title?: string; agent?: string }): Promise<{ chatId: string; sessionId: string }>;
  cleanup(): Promise<void>;
};

/**
 * One real `opencode serve` (through the runtime's supervisor), a scripted model server, a fresh
 * migrated database and a temp data folder: start one per test file, not per test.
 * With `startOpencode: false` opencode is only started if a test sends it something.
 */
export async function startAgentHarness(
  options: { settings?: Partial<AgentSettings>; externalAgents?: ExternalAgentSettings[]; startOpencode?: boolean } = {},
): Promise<AgentHarness> {
  const model = await startScriptedModelServer();
  const testDb = await createTestDb();
  const db = testDb.db;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-agents-"));
  const settings = scriptedSettings(model.url, dataDir, { externalAgents: options.externalAgents ?? [], ...options.settings });
  const log = (line: string) => {
    if (process.env.BOOCHAT_TEST_LOG) console.log(`[agents] ${new Date().toISOString().slice(14, 23)} ${line}`);
  };
  const eventStream = createEventStreamTap();
  const opencode = createOpencodeServer({ dataDir, config: buildOpencodeConfig(settings), fetch: eventStream.fetch, restart: { initialDelayMs: 200, maxDelayMs: 2_000 }, log });
  const runtime = createAgentRuntime({ db, settings, opencode, scratchDir: path.join(dataDir, "scratch"), log });
  if (options.startOpencode !== false) await runtime.start();

  return {
    db,
    runtime,
    opencode,
    settings,
    eventStream,
    model,
    dataDir,
    sendMessage: (input) => sendMessage({ agents: runtime }, input),
    startTask: (input) => runtime.startTask(input),
    getTask: (id) => taskView(db, id),
    waitForTask: (id, timeoutMs) => waitForTask(db, id, timeoutMs),
    listMessages: (chatId) => listMessages(db, chatId),
    subscribe: (chatId, lastEventId) => followChat({ agents: runtime }, chatId, lastEventId),
    async abort(taskId) {
      await cancelTask({ db, agents: runtime }, taskId);
      return taskView(db, taskId);
    },
    async createChat({ worktree, sessionId, title = "Tab", agent } = {}) {
      let sid = sessionId;
      if (!sid) {
        const session = await db.session.create({ data: { title: "Session" } });
        sid = session.id;
        if (worktree) await db.worktree.create({ data: { sessionId: sid, repoPath: worktree, path: worktree, branch: "test" } });
      }
      const chat = await db.chat.create({ data: { sessionId: sid, title, ...(agent ? { agent } : {}) } });
      return { chatId: chat.id, sessionId: sid };
    },
    async cleanup() {
      await runtime.stop();
      await model.close();
      await testDb.cleanup();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
