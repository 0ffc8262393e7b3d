import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getAgentToken } from "../../security/access-secrets";
import { readSettings } from "../../settings/settings";
import { readAgentSettings } from "../agent-settings";
import { buildOpencodeConfig } from "./opencode-config";

const dirs: string[] = [];
function configFor(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-mcp-entry-"));
  dirs.push(dir);
  const settings = readSettings({ ...env, BOOCHAT_DATA_DIR: dir });
  // The running app's address is known when it was given a port (else the runtime runs alone).
  return buildOpencodeConfig(readAgentSettings({ settings: { ...settings, app: env.PORT ? settings : undefined }, env }));
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("BooChat's MCP server in opencode's config", () => {
  it("points opencode at the running app's /api/mcp with its own agent token, never BooChat's API token or password", () => {
    const config = configFor({ PORT: "3107", BOOCHAT_PASSWORD: "correct horse battery" });
    expect(config.mcp).toEqual({
      boochat: { type: "remote", url: "http://127.0.0.1:3107/api/mcp", enabled: true, oauth: false, headers: { authorization: `Bearer ${getAgentToken()}` } },
    });
    expect(JSON.stringify(config)).not.toContain("correct horse battery");
  });

  it("takes BOOCHAT_MCP_URL over the port, and a named HOST over the loopback default", () => {
    expect(configFor({ PORT: "3000", BOOCHAT_MCP_URL: "http://boochat.lan:8080/api/mcp" }).mcp).toMatchObject({ boochat: { url: "http://boochat.lan:8080/api/mcp" } });
    expect(configFor({ PORT: "3000", HOST: "0.0.0.0" }).mcp).toMatchObject({ boochat: { url: "http://127.0.0.1:3000/api/mcp" } });
    expect(configFor({ PORT: "3000", HOST: "::1" }).mcp).toMatchObject({ boochat: { url: "http://[::1]:3000/api/mcp" } });
  });

  it("leaves the entry out when the app's address is unknown, and refuses a BOOCHAT_MCP_URL that is no URL", () => {
    expect(configFor({})).not.toHaveProperty("mcp");
    expect(() => configFor({ BOOCHAT_MCP_URL: "not a url" })).toThrow(/BOOCHAT_MCP_URL must be a URL/);
  });
});
