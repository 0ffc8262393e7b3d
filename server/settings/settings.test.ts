import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULTS, readSettings, SettingsError, type Env } from "./settings";

// scripts/lib.mjs runs before `npm install`: it reads the same defaults table with node built-ins only.
// @ts-expect-error scripts/lib.mjs is plain JavaScript, without types
const lib = (await import("../../scripts/lib.mjs")) as { withDefaults: (env: Env) => Env; unsafeListenReason: (env: Env) => string | null };
const { withDefaults, unsafeListenReason } = lib;

const dirs: string[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-settings-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("settings", () => {
  it("gives npm start and the server the same defaults, from one table", () => {
    const dir = dataDir();
    const started = withDefaults({ BOOCHAT_DATA_DIR: dir });
    const settings = readSettings(started);
    expect(settings).toMatchObject({
      port: DEFAULTS.PORT,
      host: DEFAULTS.HOST,
      databaseUrl: DEFAULTS.DATABASE_URL,
      dataDir: dir,
      worktreeRoot: path.join(dir, DEFAULTS.worktreesInDataDir),
      sidecarUrl: `http://127.0.0.1:${DEFAULTS.BOOCHAT_SIDECAR_PORT}`,
    });
    expect([started.PORT, started.HOST, started.DATABASE_URL, started.BOOCHAT_SIDECAR_PORT]).toEqual([
      String(settings.port),
      settings.host,
      settings.databaseUrl,
      String(DEFAULTS.BOOCHAT_SIDECAR_PORT),
    ]);
    // The server with nothing set reads the same as after npm start filled the defaults in.
    expect(readSettings({ BOOCHAT_DATA_DIR: dir })).toEqual(settings);
  });

  it("refuses a bad value at once, naming the setting", () => {
    expect(() => readSettings({ PORT: "eighty" })).toThrow(SettingsError);
    expect(() => readSettings({ PORT: "eighty" })).toThrow(/PORT must be a port number .*got "eighty"/);
    expect(() => readSettings({ BOOCHAT_OPENCODE_PORT: "70000" })).toThrow(/BOOCHAT_OPENCODE_PORT must be a port number from 1 to 65535/);
    expect(() => readSettings({ BOOCHAT_RISK_TIMEOUT_MS: "-5" })).toThrow(/BOOCHAT_RISK_TIMEOUT_MS/);
    expect(() => readSettings({ BOOCHAT_SIDECAR_URL: "sidecar" })).toThrow(/BOOCHAT_SIDECAR_URL must be a URL/);
    expect(() => readSettings({ BOOCHAT_TRUSTED_PROXY: "maybe" })).toThrow(/BOOCHAT_TRUSTED_PROXY/);
  });

  it("reads a blank value as unset, and a blank password as no password, as npm start does", () => {
    const blank = readSettings({ PORT: "  ", HOST: "", BOOCHAT_PASSWORD: "   ", BOOCHAT_MCP_URL: " " });
    expect([blank.port, blank.host, blank.password, blank.mcpUrl]).toEqual([DEFAULTS.PORT, DEFAULTS.HOST, null, null]);
    // npm start: a blank password is none, so listening beyond loopback is refused for want of one.
    expect(unsafeListenReason({ HOST: "0.0.0.0", BOOCHAT_PASSWORD: "   " })).toMatch(/BOOCHAT_PASSWORD is not set/);
    expect(readSettings({ BOOCHAT_PASSWORD: " a password with spaces " }).password).toBe(" a password with spaces ");
  });
});
