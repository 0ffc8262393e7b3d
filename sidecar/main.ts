import { openAuditLog } from "./audit-log";
import { listenOn } from "./listen";
import { gitOf } from "./git-context";
import { removeOrphanedScratch } from "./git/scratch-dirs";
import { createSidecarServer } from "./server";
import { loadSettings, SettingsError } from "./settings";
import { stopOnSignals } from "./stop-on-signals";

/** `npm run sidecar`: the host service alone. Settings come from the environment (docs/SIDECAR.md). */
async function main(): Promise<void> {
  // Everything the sidecar creates is its own until the root says otherwise (set before any file is made).
  process.umask(0o077);
  const settings = await loadSettings();
  // The shared layout (a setgid root of the sidecar's group): group members work in the worktrees, others never.
  if (settings.worktreeRootShared) process.umask(0o007);
  const orphaned = await removeOrphanedScratch(settings.tempDir);
  if (orphaned > 0) console.error(`sidecar: removed ${orphaned} temp folder(s) left by a sidecar that was killed`);
  const audit = openAuditLog(settings.auditLogPath, { maxBytes: settings.auditMaxBytes, keep: settings.auditKeep });
  const { git, network } = gitOf(settings, audit);
  const server = createSidecarServer({ token: settings.token, worktreeRoot: settings.worktreeRoot, git, network });

  const url = await listenOn(server, settings.port, settings.host);
  if (settings.tokenSource === "generated") console.error(`sidecar: generated a token in ${settings.dataDir}/sidecar-token`);
  // Tests and the start script wait for this exact line.
  console.log(`boochat sidecar listening on ${url} (worktree root ${settings.worktreeRoot})`);

  stopOnSignals({ what: "boochat sidecar", server, close: () => audit.close() });
}

main().catch((error: unknown) => {
  console.error(error instanceof SettingsError ? `sidecar: refusing to start: ${error.message}` : error);
  process.exit(1);
});
