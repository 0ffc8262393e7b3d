import type { OpencodeClient } from "@opencode-ai/sdk/v2";
import { timedOpencodeClient } from "../agents/opencode/opencode-client";
import type { OpencodeExit, OpencodeServer, OpencodeServerState } from "../agents/opencode/opencode-process";
import { AppError } from "../errors";
import { configHashOf, configureHostOpencode, fetchHostStatus, type HostStatus as FullHostStatus } from "./host-service-client";
import type { HostConfig } from "./hosts-config";

/**
 * A host service's opencode (docs/HOSTS.md), seen through the same `OpencodeServer` interface as the
 * one BooChat starts beside itself, so the run tracker, the event source and ensureSession work
 * unchanged. The process belongs to the host: BooChat only gives it its configuration and watches
 * the host's status, and tells its listeners when runs there are lost (the host or its opencode
 * restarted, or the host stopped answering for `lossTimeoutMs`).
 */

export type RemoteOpencodeOptions = {
  host: HostConfig;
  /** What buildOpencodeConfig returns: pushed to the host when its configuration differs. */
  config: Record<string, unknown>;
  log?: (line: string) => void;
  /** A host silent this long while runs may be going there: they are lost (default 30 s, BOOCHAT_HOST_LOSS_TIMEOUT_MS). */
  lossTimeoutMs?: number;
  /** How often the host's status is read while in use (default 2 s). */
  pollMs?: number;
  /** Per-request timeout of the SDK client (the event stream has none). */
  requestTimeoutMs?: number;
  /** How long `ready()` waits by default (the host starts opencode within its own 60 s). */
  readyTimeoutMs?: number;
  fetch?: typeof fetch;
};

export const HOST_LOSS_TIMEOUT_MS = 30_000;

/** What the watch needs of a host's status (GET /v1/host/status). */
export type HostStatus = Pick<FullHostStatus, "instance" | "opencode">;

/** What BooChat knows of a host's opencode between two looks (pure data, for `observeHost`). */
export type HostWatch = {
  /** The (instance, generation) pair last seen, as `instance/generation`. */
  pair: string | null;
  /** The pair BooChat was ready on, so runs may be going there; null: none may be. */
  readyPair: string | null;
  lastAnswerAt: number;
  /** BooChat's own count: increments whenever the pair changes (sessions known alive are then asked again). */
  generation: number;
};

export const newHostWatch = (now: number): HostWatch => ({ pair: null, readyPair: null, lastAnswerAt: now, generation: 0 });

const pairOf = (status: HostStatus) => `${status.instance}/${status.opencode.generation}`;
const instanceOfPair = (pair: string) => pair.slice(0, pair.lastIndexOf("/"));
const STOPPED_STATES = new Set(["unconfigured", "exited", "stopped"]);

/**
 * One look at a host (its status, or null when it did not answer) at `now`: the next watch and, when
 * the runs BooChat may have there are lost, why in words. A host back within the window with the
 * same pair loses nothing.
 */
export function observeHost(watch: HostWatch, status: HostStatus | null, now: number, host: { name: string; lossTimeoutMs: number }): { watch: HostWatch; lost: string | null } {
  if (!status) {
    const silentMs = now - watch.lastAnswerAt;
    if (!watch.readyPair || silentMs < host.lossTimeoutMs) return { watch, lost: null };
    return { watch: { ...watch, readyPair: null }, lost: `host "${host.name}" did not answer for ${Math.round(silentMs / 1000)} s` };
  }
  const pair = pairOf(status);
  const next: HostWatch = { ...watch, pair, lastAnswerAt: now, generation: pair === watch.pair ? watch.generation : watch.generation + 1 };
  if (!watch.readyPair) return { watch: next, lost: null };
  if (pair !== watch.readyPair) {
    const why = instanceOfPair(pair) === instanceOfPair(watch.readyPair) ? `the opencode of host "${host.name}" restarted` : `host "${host.name}" restarted`;
    return { watch: { ...next, readyPair: null }, lost: why };
  }
  if (STOPPED_STATES.has(status.opencode.state)) return { watch: { ...next, readyPair: null }, lost: `the opencode of host "${host.name}" stopped` };
  return { watch: next, lost: null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Remote = {
  options: RemoteOpencodeOptions;
  host: HostConfig;
  log: (line: string) => void;
  lossTimeoutMs: number;
  pollMs: number;
  requestTimeoutMs: number;
  watch: HostWatch;
  /** The configuration hash the host reported for BooChat's configuration (its own words win). */
  acceptedHash: string;
  starting: Promise<void> | null;
  pollTimer: NodeJS.Timeout | null;
  stopped: boolean;
  exitListeners: Set<(exit: OpencodeExit) => void>;
  client: OpencodeClient | null;
};

function readStatus(r: Remote, timeoutMs: number): Promise<HostStatus> {
  return fetchHostStatus(r.host, { timeoutMs, fetch: r.options.fetch });
}

/** Applies one look at the host; tells the listeners when runs there are lost. */
function look(r: Remote, status: HostStatus | null) {
  const before = r.watch.pair;
  const { watch, lost } = observeHost(r.watch, status, Date.now(), { name: r.host.name, lossTimeoutMs: r.lossTimeoutMs });
  r.watch = watch;
  if (status && watch.pair !== before) r.log(`host "${r.host.name}": opencode ${watch.pair} (${status.opencode.state})`);
  if (!lost) return;
  r.log(`${lost}: its runs are lost`);
  for (const listener of r.exitListeners) listener({ code: null, signal: null, generation: watch.generation, reason: lost });
}

/** Pushes the configuration when the host's differs, until the host says its opencode is ready with it. */
async function bringUp(r: Remote, deadline: number): Promise<void> {
  for (;;) {
    if (r.stopped) throw new AppError("SERVICE_UNAVAILABLE", `the opencode of host "${r.host.name}" is no longer used (BooChat is stopping)`);
    try {
      const status = await readStatus(r, Math.min(r.requestTimeoutMs, deadline - Date.now()));
      look(r, status);
      if (status.opencode.state === "ready" && status.opencode.configHash === r.acceptedHash) {
        r.watch = { ...r.watch, readyPair: r.watch.pair };
        return;
      }
      await pushConfig(r, deadline);
    } catch (error) {
      if (Date.now() >= deadline) throw new AppError("SERVICE_UNAVAILABLE", `the opencode of host "${r.host.name}" is not available: ${message(error)}`);
      await sleep(Math.min(r.pollMs, 500));
    }
  }
}

async function pushConfig(r: Remote, deadline: number): Promise<void> {
  const configHash = await configureHostOpencode(r.host, r.options.config, { timeoutMs: deadline - Date.now(), fetch: r.options.fetch });
  if (configHash !== r.acceptedHash) r.log(`host "${r.host.name}" hashes BooChat's opencode configuration as ${configHash}, not ${r.acceptedHash}: comparing with its own`);
  r.acceptedHash = configHash;
}

/** Reads the host's status every pollMs while in use, one look at a time. */
function schedulePoll(r: Remote) {
  if (r.stopped || r.pollTimer) return;
  r.pollTimer = setTimeout(() => {
    void (async () => {
      const timeoutMs = Math.min(r.requestTimeoutMs, Math.max(r.pollMs, 1_000));
      const status = await readStatus(r, timeoutMs).catch(() => null);
      r.pollTimer = null;
      if (!r.stopped) look(r, status);
      schedulePoll(r);
    })();
  }, r.pollMs);
  r.pollTimer.unref();
}

function stateOf(r: Remote): OpencodeServerState {
  if (r.stopped) return "stopped";
  if (r.watch.readyPair) return "ready";
  if (r.starting) return "starting";
  return r.watch.pair ? "exited" : "idle";
}

function halt(r: Remote) {
  r.stopped = true;
  if (r.pollTimer) clearTimeout(r.pollTimer);
  r.pollTimer = null;
}

export function createRemoteOpencode(options: RemoteOpencodeOptions): OpencodeServer {
  const { host } = options;
  const r: Remote = {
    options,
    host,
    log: options.log ?? (() => {}),
    lossTimeoutMs: options.lossTimeoutMs ?? HOST_LOSS_TIMEOUT_MS,
    pollMs: options.pollMs ?? 2_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    watch: newHostWatch(Date.now()),
    acceptedHash: configHashOf(options.config),
    starting: null,
    pollTimer: null,
    stopped: false,
    exitListeners: new Set(),
    client: null,
  };
  const url = `${host.url}/v1/opencode`;
  const authorization = `Bearer ${host.token}`;
  return {
    url,
    authorization,
    get client() {
      r.client ??= timedOpencodeClient({ baseUrl: url, authorization, requestTimeoutMs: r.requestTimeoutMs, fetch: options.fetch });
      return r.client;
    },
    get state() {
      return stateOf(r);
    },
    pid: null,
    get generation() {
      return r.watch.generation;
    },
    async ready(timeoutMs = options.readyTimeoutMs ?? 60_000) {
      if (r.stopped) throw new AppError("SERVICE_UNAVAILABLE", `the opencode of host "${host.name}" is no longer used (BooChat is stopping)`);
      schedulePoll(r);
      if (r.watch.readyPair) return;
      r.starting ??= bringUp(r, Date.now() + timeoutMs).finally(() => {
        r.starting = null;
      });
      await r.starting;
    },
    onExit(listener) {
      r.exitListeners.add(listener);
      return () => r.exitListeners.delete(listener);
    },
    stopNow: () => halt(r),
    stop: async () => halt(r),
  };
}
