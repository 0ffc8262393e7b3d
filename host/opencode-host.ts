import { configHashOf } from "../server/hosts/host-service-client";
import { createOpencodeServer, type OpencodeServer, type OpencodeServerState } from "../server/agents/opencode/opencode-process";
import { createKeyLock } from "../server/lib/key-lock";

/**
 * This machine's `opencode serve`, configured by the web app (PUT /v1/opencode/config): the host has
 * no model settings of its own. One supervised server (createOpencodeServer) per configuration; a new
 * configuration stops the old one's process group before the next starts.
 */

export type OpencodeHostState = "unconfigured" | OpencodeServerState;

export type OpencodeHostStatus = { state: OpencodeHostState; generation: number; configHash: string | null };

/** Where the proxy sends a request, or why it cannot. */
export type OpencodeTarget = { ok: true; url: string; authorization: string } | { ok: false; reason: string };

export type OpencodeHost = {
  status(): OpencodeHostStatus;
  /** Starts opencode with `config` unless it already runs with it; resolves once it answers (or rejects, in words). */
  configure(config: Record<string, unknown>): Promise<OpencodeHostStatus>;
  target(): OpencodeTarget;
  /** The running opencode's pid (tests, the leftover check), or null. */
  readonly pid: number | null;
  stop(): Promise<void>;
};

export const CONFIGURE_TIMEOUT_MS = 60_000;

export function createOpencodeHost(options: { dataDir: string; log: (line: string) => void; readyTimeoutMs?: number }): OpencodeHost {
  const lock = createKeyLock();
  let server: OpencodeServer | null = null;
  let configHash: string | null = null;
  /** generations of the servers of earlier configurations, so the number only grows */
  let earlierGenerations = 0;
  let lastFailure: string | null = null;
  let stopped = false;
  const readyTimeoutMs = options.readyTimeoutMs ?? CONFIGURE_TIMEOUT_MS;

  const status = (): OpencodeHostStatus => ({
    state: server ? server.state : "unconfigured",
    generation: earlierGenerations + (server?.generation ?? 0),
    configHash: server ? configHash : null,
  });

  async function retire(): Promise<void> {
    if (!server) return;
    const old = server;
    server = null;
    configHash = null;
    earlierGenerations += old.generation;
    await old.stop();
  }

  async function configure(config: Record<string, unknown>): Promise<OpencodeHostStatus> {
    const hash = configHashOf(config);
    return lock("configure", async () => {
      if (stopped) throw new Error("the host service is stopping");
      if (server && configHash === hash && server.state !== "stopped") {
        // Same configuration: no restart; wait only if it is between a crash and its restart.
        if (server.state !== "ready") await server.ready(readyTimeoutMs);
        return status();
      }
      await retire();
      const next = createOpencodeServer({ dataDir: options.dataDir, config, readyTimeoutMs, log: options.log });
      server = next;
      configHash = hash;
      try {
        await next.ready(readyTimeoutMs);
      } catch (error) {
        lastFailure = error instanceof Error ? error.message : String(error);
        // A configuration that cannot start is not kept running in a restart loop: the next PUT tries again.
        await retire();
        throw new Error(`opencode could not start with this configuration: ${lastFailure}`);
      }
      lastFailure = null;
      return status();
    });
  }

  function target(): OpencodeTarget {
    if (!server) {
      const why = lastFailure ? `its last start failed (${lastFailure})` : "the web app has not sent its configuration yet (PUT /v1/opencode/config)";
      return { ok: false, reason: `opencode is not running on this host: ${why}` };
    }
    if (server.state === "ready") return { ok: true, url: server.url, authorization: server.authorization };
    const reasons: Record<OpencodeServerState, string> = {
      idle: "opencode has not started yet",
      starting: "opencode is starting; try again in a moment",
      ready: "",
      exited: "opencode exited and is being restarted; try again in a moment",
      stopped: "opencode has been stopped",
    };
    return { ok: false, reason: reasons[server.state] };
  }

  return {
    status,
    configure,
    target,
    get pid() {
      return server?.pid ?? null;
    },
    async stop() {
      stopped = true;
      await retire();
    },
  };
}
