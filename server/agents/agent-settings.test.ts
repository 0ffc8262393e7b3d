import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { readSettings, type Env } from "../settings/settings";
import { readAgentSettings } from "./agent-settings";
import { buildOpencodeConfig } from "./opencode/opencode-config";

/** The agent settings BooChat reads from `env`, with `dataDir` as its data folder. */
function readFrom(options: { dataDir: string; env: Env }) {
  return readAgentSettings({ settings: readSettings({ ...options.env, BOOCHAT_DATA_DIR: options.dataDir }), env: options.env });
}

const dirs: string[] = [];
function dataDir(settings?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-settings-"));
  dirs.push(dir);
  if (settings !== undefined) fs.writeFileSync(path.join(dir, "settings.json"), typeof settings === "string" ? settings : JSON.stringify(settings));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("agent settings", () => {
  it("configures the model from the three environment variables alone", () => {
    const settings = readFrom({
      dataDir: dataDir(),
      env: { BOOCHAT_MODEL_BASE_URL: "https://llm.example.com/v1", BOOCHAT_MODEL_API_KEY: "sk-1", BOOCHAT_MODEL: "big-model" },
    });
    expect(settings.model).toEqual({ providerID: "boochat", modelID: "big-model" });
    expect(settings.providers).toEqual([expect.objectContaining({ id: "boochat", baseURL: "https://llm.example.com/v1", apiKey: "sk-1", models: ["big-model"] })]);
    const config = buildOpencodeConfig(settings);
    expect(config).toMatchObject({
      model: "boochat/big-model",
      enabled_providers: ["boochat"],
      provider: { boochat: { npm: "@ai-sdk/openai-compatible", options: { baseURL: "https://llm.example.com/v1", apiKey: "sk-1" } } },
    });
  });

  it("adds providers and external agents from the settings file", () => {
    const dir = dataDir({
      model: "local/qwen",
      providers: { local: { baseURL: "http://127.0.0.1:11434/v1", models: ["qwen", "llama"] }, cloud: { baseURL: "https://x.example/v1", apiKeyEnv: "CLOUD_KEY", models: ["m"] } },
      agents: [{ name: "aider", command: ["aider", "--yes", "--message-file"], prompt: "file" }],
    });
    const settings = readFrom({ dataDir: dir, env: { CLOUD_KEY: "secret" } });
    expect(settings.model).toEqual({ providerID: "local", modelID: "qwen" });
    expect(settings.providers.map((p) => [p.id, p.apiKey])).toEqual([["local", null], ["cloud", "secret"]]);
    expect(settings.externalAgents).toEqual([{ name: "aider", command: ["aider", "--yes", "--message-file"], prompt: "file", env: {} }]);
    expect(settings.settingsFile).toBe(path.join(dir, "settings.json"));
  });

  it("reads the settings file named by BOOCHAT_SETTINGS_FILE", () => {
    const other = path.join(dataDir(), "elsewhere.json");
    fs.writeFileSync(other, JSON.stringify({ agents: [{ name: "echo", command: ["echo"], prompt: "stdin" }] }));
    const settings = readFrom({ dataDir: dataDir(), env: { BOOCHAT_SETTINGS_FILE: other } });
    expect(settings.externalAgents.map((a) => a.name)).toEqual(["echo"]);
    expect(settings.model).toBeNull();
  });

  it("rejects a settings file with a clear error naming the file and the field", () => {
    const dir = dataDir({ agents: [{ name: "bad", command: [], prompt: "pipe" }] });
    expect(() => readFrom({ dataDir: dir, env: {} })).toThrow(AppError);
    expect(() => readFrom({ dataDir: dir, env: {} })).toThrow(
      /settings\.json is invalid: agents\.0\.command: must name the program to run; agents\.0\.prompt: must be "stdin" or "file"/,
    );
    // The old "arg" is refused with the reason and the way out.
    expect(() => readFrom({ dataDir: dataDir({ agents: [{ name: "aider", command: ["aider", "--message"], prompt: "arg" }] }), env: {} })).toThrow(
      /agents\.0\.prompt: must be "stdin" or "file": "arg" would put the prompt on a command line, which every user of the machine can read/,
    );
    expect(() => readFrom({ dataDir: dataDir("{ not json"), env: {} })).toThrow(/is not valid JSON/);
    expect(() => readFrom({ dataDir: dataDir({ colour: "blue" }), env: {} })).toThrow(/Unrecognized key/);
  });

  it("explains a half-configured model", () => {
    expect(() => readFrom({ dataDir: dataDir(), env: { BOOCHAT_MODEL_BASE_URL: "https://x.example/v1" } })).toThrow(
      "BOOCHAT_MODEL_BASE_URL is set but BOOCHAT_MODEL (the model id) is not",
    );
    expect(() => readFrom({ dataDir: dataDir(), env: { BOOCHAT_MODEL_BASE_URL: "not a url", BOOCHAT_MODEL: "m" } })).toThrow(/must be a URL/);
    expect(() => readFrom({ dataDir: dataDir(), env: { BOOCHAT_MODEL: "m" } })).toThrow(/BOOCHAT_MODEL_BASE_URL is not set/);
    expect(() => readFrom({ dataDir: dataDir({ agents: [{ name: "opencode", command: ["x"], prompt: "stdin" }] }), env: {} })).toThrow(
      /agent name "opencode" twice \(or it is reserved\)/,
    );
  });
});
