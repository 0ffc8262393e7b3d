import { expect, it } from "vitest";
import type { HostConfig } from "./hosts-config";
import { mcpUnreachableWarning } from "./mcp-reach";

const host = (name: string, url: string, kind: HostConfig["kind"] = "host-service"): HostConfig => ({ name, url, token: "t".repeat(32), kind });

it("warns, naming the hosts, when opencode on another machine is told a loopback MCP address", () => {
  const hosts = [host("here", "http://127.0.0.1:4319"), host("build-2", "http://10.0.0.12:4319"), host("build-3", "https://b3.example")];
  expect(mcpUnreachableWarning(hosts, "http://127.0.0.1:3000/api/mcp")).toBe(
    'BooChat\'s MCP server is at http://127.0.0.1:3000/api/mcp, a loopback address: opencode on host "build-2", "build-3" cannot reach it, ' +
      "so agents there get no BooChat tools (new_task). Set BOOCHAT_MCP_URL to an address of this web app the hosts can reach (docs/HOSTS.md)",
  );
  expect(mcpUnreachableWarning(hosts, "http://[::1]:3000/api/mcp")).toMatch(/^BooChat's MCP server is at http:\/\/\[::1\]/);
  expect(mcpUnreachableWarning(hosts, "http://localhost:3000/api/mcp")).not.toBeNull();
});

it("says nothing when the address is reachable, when every host is on this machine, or with the local sidecar alone", () => {
  expect(mcpUnreachableWarning([host("build-2", "http://10.0.0.12:4319")], "http://10.0.0.5:3000/api/mcp")).toBeNull();
  expect(mcpUnreachableWarning([host("a", "http://127.0.0.1:4319"), host("b", "http://localhost:4320")], "http://127.0.0.1:3000/api/mcp")).toBeNull();
  expect(mcpUnreachableWarning([host("local", "http://10.0.0.12:4319", "sidecar")], "http://127.0.0.1:3000/api/mcp")).toBeNull();
  expect(mcpUnreachableWarning([host("build-2", "http://10.0.0.12:4319")], null)).toBeNull();
});
