import { createOpencodeClient } from "@opencode-ai/sdk/v2";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db";
import { AppError } from "../../errors";
import { configHash, ensureSession, type SessionConfig } from "./ensure-session";

const config: SessionConfig = {
  model: { providerID: "mock", modelID: "mock-1" },
  mode: "build",
  systemPrompt: null,
  tools: { bash: true, write: true },
  directory: "/tmp/wt",
};

// Nothing may be asked of the database or opencode before the chat id is checked.
const untouchable = new Proxy({}, { get: () => { throw new Error("touched"); } }) as Db;
const client = createOpencodeClient({ baseUrl: "http://127.0.0.1:9" });

describe("ensureSession", () => {
  it.each([null, undefined, "", "   "])("refuses to run without a chat id (%j) with a typed error", async (chatId) => {
    const attempt = ensureSession({ db: untouchable, client }, chatId, "opencode", config);
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/needs a chat id/) });
  });
});

describe("configHash", () => {
  it("is stable whatever the key order", () => {
    const reordered: SessionConfig = { directory: "/tmp/wt", tools: { write: true, bash: true }, systemPrompt: null, mode: "build", model: { modelID: "mock-1", providerID: "mock" } };
    expect(configHash(reordered)).toBe(configHash(config));
  });

  it("changes with the model, the agent mode, the system prompt, the tools and the worktree path", () => {
    const variants: SessionConfig[] = [
      { ...config, model: { providerID: "mock", modelID: "mock-2" } },
      { ...config, mode: "plan" },
      { ...config, systemPrompt: "Be brief." },
      { ...config, tools: { bash: false, write: true } },
      { ...config, directory: "/tmp/other" },
    ];
    const hashes = new Set([configHash(config), ...variants.map(configHash)]);
    expect(hashes.size).toBe(6);
  });

  it("ignores the informational worktree and session ids", () => {
    expect(configHash({ ...config, worktreeId: "w1", sessionId: "s1" })).toBe(configHash(config));
  });
});
