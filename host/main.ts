import { randomUUID } from "node:crypto";
import { listenOn } from "../sidecar/listen";
import { stopLeftoverOpencode } from "../server/agents/opencode/opencode-leftover";
import { openAuditLog } from "../sidecar/audit-log";
import { gitOf } from "../sidecar/git-context";
import { removeOrphanedScratch } from "../sidecar/git/scratch-dirs";
import { stopOnSignals } from "../sidecar/stop-on-signals";
import { stopLeftoverAgents } from "./agent-leftovers";
import { createAgentRuns } from "./agent-runs";
import { createHostServer } from "./host-server";
import { createOpencodeHost } from "./opencode-host";
import { loadHostSettings, SettingsError } from "./settings";

/** `npm run host`: one machine's host service, the sidecar's API plus its opencode (docs/HOSTS.md). */
async function main(): Promise<void> {
  // As the sidecar: everything it creates is its own until the root says otherwise.
  process.umask(0o077);
  const settings = await loadHostSettings();
  if (settings.worktreeRootShared) process.umask(0o007);
  const log = (line: string) => console.error(`host: ${line}`);
  // An opencode a SIGKILLed run of this data folder left behind would hold its port and state until the first config.
  await stopLeftoverOpencode(settings.dataDir, log);
  // So would an external agent's process group, still writing in a worktree nobody watches.
  await stopLeftoverAgents(settings.dataDir, log);
  const orphaned = await removeOrphanedScratch(settings.tempDir);
  if (orphaned > 0) log(`removed ${orphaned} temp folder(s) left by a service that was killed`);

  const audit = openAuditLog(settings.auditLogPath, { maxBytes: settings.auditMaxBytes, keep: settings.auditKeep });
  const { git, network } = gitOf(settings, audit);
  const opencode = createOpencodeHost({ dataDir: settings.dataDir, log });
  const identity = { name: settings.name, instance: randomUUID(), worktreeRoot: settings.worktreeRoot, dataDir: settings.dataDir };
  const agents = createAgentRuns({ git, worktreeRoot: settings.worktreeRoot, dataDir: settings.dataDir });
  const server = createHostServer({ token: settings.token, identity, git, network, opencode, agents });

  const url = await listenOn(server, settings.port, settings.host);
  // Tests and operators wait for this line.
  console.log(`boochat host ${settings.name} listening on ${url} (worktree root ${settings.worktreeRoot})`);

  stopOnSignals({
    what: `boochat host ${settings.name}`,
    server,
    close: () => audit.close(),
    // opencode and the agents first: their streams end with them, so the server can close.
    before: () =>
      Promise.all([
        opencode.stop().catch((error: unknown) => log(`stopping opencode failed: ${error instanceof Error ? error.message : String(error)}`)),
        agents.stopAll(),
      ]).then(() => undefined),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingsError ? `host: refusing to start: ${error.message}` : error);
  process.exit(1);
});
