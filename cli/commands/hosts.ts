import type { BoochatClient } from "../client";
import type { CliIO } from "../io";
import { formatTable } from "./sessions";

/** `boochat hosts`: each host's name, state, worktrees, running tasks, load and opencode; or JSON. Exit 0 even when one is down: that is the answer. */
export async function runHosts(client: BoochatClient, json: boolean, io: CliIO): Promise<number> {
  const hosts = await client.host.list.query();
  if (json) {
    io.stdout.write(`${JSON.stringify(hosts, null, 2)}\n`);
    return 0;
  }
  const rows = hosts.map((h) => [
    h.name,
    h.reachable ? "reachable" : "unreachable",
    String(h.worktrees),
    String(h.runningTasks),
    h.load === null ? "-" : h.load.toFixed(2),
    h.opencode ?? (h.kind === "sidecar" ? "beside the app" : "-"),
    h.url,
  ]);
  io.stdout.write(`${formatTable(["HOST", "STATE", "WORKTREES", "RUNNING", "LOAD", "OPENCODE", "URL"], rows)}\n`);
  for (const h of hosts) if (h.error) io.stderr.write(`boochat: host ${h.name}: ${h.error}\n`);
  return 0;
}
