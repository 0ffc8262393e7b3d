import os from "node:os";
import type { Db } from "../../db";
import type { HostRouter } from "../../hosts/host-router";
import type { HostConfig } from "../../hosts/hosts-config";
import { fetchHostStatus } from "../../hosts/host-service-client";
import { runningTasksByHost, worktreesByHost } from "./host-load";

export type HostView = {
  name: string;
  url: string;
  kind: HostConfig["kind"];
  reachable: boolean;
  /** Why it could not be reached, in words. */
  error: string | null;
  /** Worktrees BooChat has there (from the database). */
  worktrees: number;
  /** Tasks queued or running in sessions there (from the database). */
  runningTasks: number;
  /** 1-minute load average per CPU; null when the host does not say. */
  load: number | null;
  /** Its opencode's state (a host service's); null for the local sidecar, whose opencode runs beside the web app. */
  opencode: string | null;
};

const STATUS_TIMEOUT_MS = 3_000;

/** What a host says of itself: a host service its status, the local sidecar only that it is up. */
async function askHost(host: HostConfig): Promise<Pick<HostView, "reachable" | "error" | "load" | "opencode">> {
  try {
    if (host.kind === "host-service") {
      const status = await fetchHostStatus(host, { timeoutMs: STATUS_TIMEOUT_MS });
      return { reachable: true, error: null, load: status.load, opencode: status.opencode.state };
    }
    const response = await fetch(`${host.url}/healthz`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
    if (!response.ok) return { reachable: false, error: `the sidecar at ${host.url} answered ${response.status}`, load: null, opencode: null };
    // The default sidecar runs on this machine: its load is this one's.
    const loopback = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(host.url);
    return { reachable: true, error: null, load: loopback ? Math.round((os.loadavg()[0] ?? 0) / os.cpus().length * 100) / 100 : null, opencode: null };
  } catch (error) {
    const message = error instanceof Error && error.name !== "TypeError" ? error.message : `the sidecar at ${host.url} cannot be reached (is it running?)`;
    return { reachable: false, error: message, load: null, opencode: null };
  }
}

/** `host.list` and `npx boochat hosts`: every host with its state, the hosts asked in parallel. */
export async function listHosts(deps: { db: Db; sidecar: HostRouter }): Promise<HostView[]> {
  const [worktrees, running, states] = await Promise.all([
    worktreesByHost(deps.db, deps.sidecar),
    runningTasksByHost(deps.db, deps.sidecar),
    Promise.all(deps.sidecar.hosts.map(askHost)),
  ]);
  return deps.sidecar.hosts.map((host, i) => ({
    name: host.name,
    url: host.url,
    kind: host.kind,
    ...(states[i] ?? { reachable: false, error: "not asked", load: null, opencode: null }),
    worktrees: worktrees.get(host.name) ?? 0,
    runningTasks: running.get(host.name) ?? 0,
  }));
}
