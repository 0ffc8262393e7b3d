import type { AuditLog } from "./audit-log";
import { createHostExec } from "./exec";
import type { NetworkSettings } from "./git/network";
import type { GitContext } from "./git/run";
import type { SidecarSettings } from "./settings";

/** How a service built on the sidecar (the sidecar, the host service) runs git: hardened, audited, and how it reaches origin. */
export function gitOf(settings: SidecarSettings, audit: AuditLog): { git: GitContext; network: NetworkSettings } {
  return {
    git: {
      exec: createHostExec(audit),
      worktreeRoot: settings.worktreeRoot,
      timeoutMs: settings.gitTimeoutMs,
      basePath: settings.gitPath,
      home: settings.home,
      tempDir: settings.tempDir,
    },
    network: { credentialHelper: settings.gitCredentialHelper, sshAuthSock: settings.sshAuthSock, timeoutMs: settings.gitNetworkTimeoutMs },
  };
}
