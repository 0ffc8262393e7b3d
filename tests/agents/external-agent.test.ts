import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyChatEvent, type ChatView, type StoredPart } from "../../server/agents/message-parts";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

const script = path.join(import.meta.dirname, "fixtures", "echo-agent.mjs");
let h: AgentHarness;
let pidFile: string;

beforeAll(async () => {
  h = await startAgentHarness({
    startOpencode: false,
    externalAgents: [
      { name: "echo", command: [process.execPath, script], prompt: "stdin", env: {} },
      { name: "echo-arg", command: [process.execPath, script, "--prompt"], prompt: "arg", env: {} },
    ],
  });
  pidFile = path.join(h.dataDir, "helper.pid");
  const echo = h.runtime.settings.externalAgents.find((a) => a.name === "echo");
  if (echo) echo.env = { BOOCHAT_TEST_PID_FILE: pidFile };
});

afterAll(async () => {
  await h?.cleanup();
});

function outputOf(parts: StoredPart[]): string {
  return parts.map((p) => (p.type === "output" ? p.text : "")).join("");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("external agents", () => {
  it("runs a script agent in the tab's folder with the prompt on stdin and streams its output", async () => {
    const tab = await h.createChat({ agent: "echo" });
    let view: ChatView = { messages: [], tasks: {}, needsReload: false };
    let deltas = 0;
    const watching = (async () => {
      for await (const { event } of h.runtime.subscribe(tab.chatId)) {
        view = applyChatEvent(view, event);
        if (event.type === "delta") deltas += 1;
        if (event.type === "task" && event.task.status === "succeeded") break;
      }
    })();
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.chatId, text: "hello there agent" });
    const task = await h.runtime.waitForTask(taskId);
    await watching;
    expect(task).toMatchObject({ status: "succeeded", error: null, agent: "echo" });
    expect(deltas).toBeGreaterThan(1);
    const scratch = path.join(h.dataDir, "scratch", tab.chatId);
    const live = outputOf(view.messages.flatMap((m) => m.parts));
    expect(live).toBe(`echo: hello there agent \ncwd=${scratch}\n`);
    const stored = await h.runtime.listMessages(tab.chatId);
    expect(outputOf(stored.flatMap((m) => m.parts))).toBe(live);
  });

  it("passes the prompt as the last argument when the agent says so", async () => {
    const tab = await h.createChat();
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.chatId, text: "by argument", agent: "echo-arg" });
    expect((await h.runtime.waitForTask(taskId)).status).toBe("succeeded");
    const stored = await h.runtime.listMessages(tab.chatId);
    expect(outputOf(stored.flatMap((m) => m.parts))).toContain("echo: by argument");
  });

  it("fails the task with the exit code and the last error line when the agent exits non-zero", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.chatId, text: "EXIT 3" });
    const task = await h.runtime.waitForTask(taskId);
    expect(task.status).toBe("failed");
    expect(task.error).toBe("echo exited with code 3: something went wrong in the agent");
    const parts = (await h.runtime.listMessages(tab.chatId)).flatMap((m) => m.parts);
    expect(parts).toContainEqual(expect.objectContaining({ type: "output", stream: "stderr", text: "something went wrong in the agent\n" }));
    expect(parts).toContainEqual(expect.objectContaining({ type: "error", text: task.error }));
  });

  it("Stop kills the agent's whole process group and ends the task cancelled", async () => {
    const tab = await h.createChat({ agent: "echo" });
    await fs.rm(pidFile, { force: true });
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.chatId, text: "SLEEP" });
    let helperPid = 0;
    for (let i = 0; i < 100 && !helperPid; i++) {
      helperPid = Number(await fs.readFile(pidFile, "utf8").catch(() => "0"));
      if (!helperPid) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alive(helperPid)).toBe(true);
    const task = await h.runtime.abort(taskId);
    expect(task.status).toBe("cancelled");
    for (let i = 0; i < 40 && alive(helperPid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(helperPid)).toBe(false);
  });

  it("refuses a second message while the tab is still running one", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const { taskId } = await h.runtime.sendMessage({ chatId: tab.chatId, text: "SLEEP" });
    await expect(h.runtime.sendMessage({ chatId: tab.chatId, text: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    await h.runtime.abort(taskId);
  });
});
