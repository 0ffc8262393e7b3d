import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AgentSettings, ExternalAgentSettings } from "../../server/agents/agent-settings";
import { createAgentRuntime, type AgentRuntimeWithInternals } from "../../server/agents/runtime";
import type { Db } from "../../server/db";
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

export type AgentHarness = {
  db: Db;
  runtime: AgentRuntimeWithInternals;
  model: ScriptedModelServer;
  dataDir: string;
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
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-agents-"));
  const settings = scriptedSettings(model.url, dataDir, { externalAgents: options.externalAgents ?? [], ...options.settings });
  const logs: string[] = [];
  const runtime = createAgentRuntime({
    db: testDb.db,
    settings,
    dataDir,
    scratchDir: path.join(dataDir, "scratch"),
    opencode: { restart: { initialDelayMs: 200, maxDelayMs: 2_000 } },
    log: (line) => {
      logs.push(line);
      if (process.env.BOOCHAT_TEST_LOG) console.log(`[agents] ${new Date().toISOString().slice(14, 23)} ${line}`);
    },
  });
  if (options.startOpencode !== false) await runtime.start();

  return {
    db: testDb.db,
    runtime,
    model,
    dataDir,
    async createChat({ worktree, sessionId, title = "Tab", agent } = {}) {
      let sid = sessionId;
      if (!sid) {
        const session = await testDb.db.session.create({ data: { title: "Session" } });
        sid = session.id;
        if (worktree) await testDb.db.worktree.create({ data: { sessionId: sid, repoPath: worktree, path: worktree, branch: "test" } });
      }
      const chat = await testDb.db.chat.create({ data: { sessionId: sid, title, ...(agent ? { agent } : {}) } });
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
