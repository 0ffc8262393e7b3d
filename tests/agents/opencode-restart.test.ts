import { afterAll, beforeAll, expect, it } from "vitest";
import { messageText } from "../../server/schemas/chat-event";
import { startAgentHarness, type AgentHarness } from "../helpers/opencode-process";

let h: AgentHarness;

beforeAll(async () => {
  h = await startAgentHarness();
}, 60_000);

afterAll(async () => {
  await h?.cleanup();
});

it("fails the running task when opencode is killed, restarts opencode, and the next message works", async () => {
  const tab = await h.createChat();
  h.model.script("KILL-DURING", [{ hangAfter: "partial answer " }]);
  const sent = await h.sendMessage({ chatId: tab.chatId, text: "KILL-DURING" });
  await h.model.waitForStep("KILL-DURING", 0);
  const pid = h.opencode.pid;
  const generation = h.opencode.generation;
  if (!pid) throw new Error("opencode has no pid");
  // Its own process group (opencode runs as a group leader); never -0, which is this test's group.
  process.kill(-pid, "SIGKILL");

  const failed = await h.waitForTask(sent.taskId, 20_000);
  expect(failed.status).toBe("failed");
  expect(failed.error).toMatch(/opencode stopped unexpectedly \(killed by SIGKILL\)/);

  await h.opencode.ready(30_000);
  expect(h.opencode.generation).toBeGreaterThan(generation);
  expect(h.opencode.pid).not.toBe(pid);

  h.model.script("AFTER-RESTART", [{ text: "back again" }]);
  const next = await h.sendMessage({ chatId: tab.chatId, text: "AFTER-RESTART" });
  const done = await h.waitForTask(next.taskId, 30_000);
  expect([done.status, done.error]).toEqual(["succeeded", null]);
  const texts = (await h.listMessages(tab.chatId)).filter((m) => m.role === "assistant").map(messageText);
  expect(texts.at(-1)).toBe("back again");
}, 90_000);
