import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyChatEvent, type ChatView } from "../../app/components/chat/chat-view-reducer";
import type { StoredPart } from "../../server/schemas/chat-event";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";
import { isRunning } from "../helpers/processes";

const script = path.join(import.meta.dirname, "fixtures", "echo-agent.mjs");
let h: AgentHarness;
let pidFile: string;

beforeAll(async () => {
  h = await startAgentHarness({
    startOpencode: false,
    externalAgents: [
      { name: "echo", command: [process.execPath, script], prompt: "stdin", env: {} },
      { name: "echo-file", command: [process.execPath, script, "--prompt-file"], prompt: "file", env: { FROM_SETTINGS: "yes" } },
    ],
  });
  pidFile = path.join(h.dataDir, "helper.pid");
  const echo = h.settings.externalAgents.find((a) => a.name === "echo");
  if (echo) echo.env = { BOOCHAT_TEST_PID_FILE: pidFile };
});

afterAll(async () => {
  await h?.cleanup();
});

function outputOf(parts: StoredPart[]): string {
  return parts.map((p) => (p.type === "output" ? p.text : "")).join("");
}

describe("external agents", () => {
  it("runs a script agent in the tab's folder with the prompt on stdin and streams its output", async () => {
    const tab = await h.createChat({ agent: "echo" });
    let view: ChatView = { messages: [], tasks: {}, needsReload: false };
    let deltas = 0;
    const watching = (async () => {
      for await (const { event } of h.subscribe(tab.chatId)) {
        view = applyChatEvent(view, event);
        if (event.type === "delta") deltas += 1;
        if (event.type === "task" && event.task.status === "succeeded") break;
      }
    })();
    const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "hello there agent" });
    const task = await h.waitForTask(taskId);
    await watching;
    expect(task).toMatchObject({ status: "succeeded", error: null, agent: "echo" });
    expect(deltas).toBeGreaterThan(1);
    // The tabs of a chat-only session share its scratch folder, as worktree tabs share the worktree.
    const scratch = path.join(h.dataDir, "scratch", tab.sessionId);
    const live = outputOf(view.messages.flatMap((m) => m.parts));
    expect(live).toBe(`echo: hello there agent \ncwd=${scratch}\n`);
    const stored = await h.listMessages(tab.chatId);
    expect(outputOf(stored.flatMap((m) => m.parts))).toBe(live);
  });

  it("hands the prompt over in a 0600 file named by the last argument, never on the command line, and removes it after", async () => {
    const tab = await h.createChat();
    const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "ENV by file, a secret plan", agent: "echo-file" });
    expect((await h.waitForTask(taskId)).status).toBe("succeeded");
    const output = outputOf((await h.listMessages(tab.chatId)).flatMap((m) => m.parts));
    expect(output).toContain("echo: ENV by file, a secret plan");
    const seen = JSON.parse(output.split("\n")[0] ?? "{}") as { argv: string[] };
    expect(seen.argv.join(" ")).not.toContain("secret plan");
    const file = seen.argv.at(-1) ?? "";
    expect(file).toMatch(/boochat-prompt-[^/]+\/prompt\.txt$/);
    await expect(fs.stat(path.dirname(file))).rejects.toThrow();
  });

  it("gives the agent none of BooChat's secrets: an allowlisted environment plus its own env from the settings", async () => {
    const secrets = { BOOCHAT_PASSWORD: "the password value", BOOCHAT_SIDECAR_TOKEN: "the sidecar token value", BOOCHAT_TOKEN: "the api token value", OPENAI_API_KEY: "sk-model-key" };
    for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
    try {
      const tab = await h.createChat();
      const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "ENV please", agent: "echo-file" });
      expect((await h.waitForTask(taskId)).status).toBe("succeeded");
      const output = outputOf((await h.listMessages(tab.chatId)).flatMap((m) => m.parts));
      for (const value of Object.values(secrets)) expect(output).not.toContain(value);
      const { env } = JSON.parse(output.split("\n")[0] ?? "{}") as { env: Record<string, string> };
      expect(Object.keys(env).filter((name) => name.startsWith("BOOCHAT_"))).toEqual(["BOOCHAT_AGENT"]);
      expect(env).toMatchObject({ FROM_SETTINGS: "yes", BOOCHAT_AGENT: "echo-file", PATH: process.env.PATH });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("fails the task with the exit code and the last error line when the agent exits non-zero", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "EXIT 3" });
    const task = await h.waitForTask(taskId);
    expect(task.status).toBe("failed");
    expect(task.error).toBe("echo exited with code 3: something went wrong in the agent");
    const parts = (await h.listMessages(tab.chatId)).flatMap((m) => m.parts);
    expect(parts).toContainEqual(expect.objectContaining({ type: "output", stream: "stderr", text: "something went wrong in the agent\n" }));
    expect(parts).toContainEqual(expect.objectContaining({ type: "error", text: task.error }));
  });

  it("Stop kills the agent's whole process group and ends the task cancelled", async () => {
    const tab = await h.createChat({ agent: "echo" });
    await fs.rm(pidFile, { force: true });
    const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "SLEEP" });
    let helperPid = 0;
    for (let i = 0; i < 100 && !helperPid; i++) {
      helperPid = Number(await fs.readFile(pidFile, "utf8").catch(() => "0"));
      if (!helperPid) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(isRunning(helperPid)).toBe(true);
    const task = await h.abort(taskId);
    expect(task.status).toBe("cancelled");
    for (let i = 0; i < 40 && isRunning(helperPid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isRunning(helperPid)).toBe(false);
  });

  it("refuses a second message while the tab is still running one", async () => {
    const tab = await h.createChat({ agent: "echo" });
    const { taskId } = await h.sendMessage({ chatId: tab.chatId, text: "SLEEP" });
    await expect(h.sendMessage({ chatId: tab.chatId, text: "again" })).rejects.toMatchObject({ code: "CONFLICT" });
    await h.abort(taskId);
  });
});
