import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "../../server/errors";
import type { AgentRuntime } from "../../server/agents/runtime";
import { scriptedSettings } from "../helpers/opencode-process";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { callerFor, trpcError } from "../helpers/trpc-caller";

// Found by generated calls against the built app (issue 19): `coder.message` to a tab that does not
// exist answered INTERNAL_SERVER_ERROR. Next.js bundles the agent runtime (started from
// instrumentation.ts) apart from the route handlers, so the runtime's NOT_FOUND was an AppError of
// another copy of the class, which `instanceof` did not recognise until AppError got its brand. Here
// the runtime comes from a second copy of its modules, as that bundle holds it, and the routes from
// this file's.

let testDb: TestDb;
let dataDir: string;
let foreignRuntime: AgentRuntime;
let foreignAppError: unknown;

beforeAll(async () => {
  testDb = await createTestDb();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-drill-bundles-"));
  vi.resetModules();
  const runtimeModule = await import("../../server/agents/runtime");
  const opencodeModule = await import("../../server/agents/opencode/opencode-process");
  const configModule = await import("../../server/agents/opencode/opencode-config");
  foreignAppError = (await import("../../server/errors")).AppError;
  const settings = scriptedSettings("http://127.0.0.1:9/v1", dataDir);
  // opencode is never started: the missing tab is found out before any agent is asked.
  const opencode = opencodeModule.createOpencodeServer({ dataDir, config: configModule.buildOpencodeConfig(settings) });
  foreignRuntime = runtimeModule.createAgentRuntime({ db: testDb.db, settings, opencode, scratchDir: path.join(dataDir, "scratch") });
});

afterAll(async () => {
  await foreignRuntime?.stop();
  await testDb?.cleanup();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe("a NOT_FOUND thrown by a runtime from another bundle", () => {
  it("is an AppError of another copy of the class", () => {
    expect(foreignAppError).not.toBe(AppError);
  });

  it("coder.message to a tab that does not exist answers NOT_FOUND, not an internal error", async () => {
    const error = await trpcError(callerFor(testDb.db, { agents: foreignRuntime }).coder.message({ chatId: "no-such-tab", text: "hello" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Tab no-such-tab does not exist");
  });

  it("task.cancel and coder.abort of a task that does not exist answer NOT_FOUND", async () => {
    const caller = callerFor(testDb.db, { agents: foreignRuntime });
    for (const call of [caller.task.cancel({ id: "no-such-task" }), caller.coder.abort({ taskId: "no-such-task" })]) {
      const error = await trpcError(call);
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Task no-such-task does not exist");
    }
  });
});
