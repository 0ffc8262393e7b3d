import type { Db } from "../db";
import type { HostConfig } from "../hosts/hosts-config";
import { createKeyLock } from "../lib/key-lock";
import type { AgentSettings } from "./agent-settings";
import type { ChatPlaces } from "./chat-directory";
import type { ChatEvents } from "./chat-events";
import { createOpencodeEventSource } from "./opencode/event-source";
import type { OpencodeExit, OpencodeServer } from "./opencode/opencode-process";
import type { KnownSessions, OpencodeTaskDeps } from "./opencode/run-opencode-task";
import { createRunTracker } from "./runs/run-tracker";

/**
 * One opencode runner per agent host (docs/HOSTS.md): each host's opencode with its own run
 * tracker, event stream, lock and known sessions, so a host that goes away ends only its own runs.
 * The home host's (the first) is made at once; the others on first use, so a host that is down
 * does not keep BooChat from starting.
 */
export type HostRunners = {
  readonly home: HostConfig;
  /** The runner of a host, made (not started) on first use. */
  of(host: HostConfig): OpencodeTaskDeps;
  /** The runners made so far. */
  made(): OpencodeTaskDeps[];
};

export type HostRunnersOptions = {
  db: Db;
  events: ChatEvents;
  settings: AgentSettings;
  places: ChatPlaces;
  /** A host's opencode, not yet started: beside the web app (a sidecar host) or behind a host service. */
  opencodeOf(host: HostConfig): OpencodeServer;
  log: (line: string) => void;
};

/** The opencode sessions seen alive since opencode last started (a restart may have lost any of them). */
function knownSessions(opencode: OpencodeServer): KnownSessions {
  const alive = new Map<string, number>();
  return {
    isAlive: (id) => alive.get(id) === opencode.generation,
    remember: (id) => void alive.set(id, opencode.generation),
    forget: (id) => void alive.delete(id),
  };
}

/**
 * What running tasks on one opencode takes: the run tracker fed by one event source, the per-chat
 * lock and the sessions known alive. A test may make its own to run a task row directly
 * (runOpenCodeServerTask).
 */
export function createOpencodeRunner(options: Omit<HostRunnersOptions, "opencodeOf" | "log"> & { opencode: OpencodeServer; log?: (line: string) => void }): OpencodeTaskDeps {
  const { db, events, settings, opencode, places } = options;
  const log = options.log ?? (() => {});
  const tracker = createRunTracker({ db, events, client: () => opencode.client, modelRetries: settings.modelRetries, silenceMs: settings.silenceMs, log });
  const eventSource = createOpencodeEventSource({ opencode, onEvent: tracker.handle, onReconnect: tracker.resyncAll, log });
  return { db, events, opencode, tracker, eventSource, settings, places, withLock: createKeyLock(), sessions: knownSessions(opencode) };
}

/** What a task whose opencode went away says: the host's own words for a host service, else opencode's exit. */
export function lostRunText(exit: OpencodeExit): string {
  if (exit.reason) return `${exit.reason} while this task was running, so its run there is lost: send the message again once the host is back.`;
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  return `opencode stopped unexpectedly (${how}) while this task was running. BooChat is restarting it; send the message again.`;
}

/** When a host's opencode goes away, its runs (only its own) end failed, and its stream is followed anew. */
function endRunsOnExit(runner: OpencodeTaskDeps) {
  runner.opencode.onExit((exit) => {
    void runner.tracker.endAll({ status: "failed", error: lostRunText(exit) });
    // The stream of a dead opencode is over: subscribe anew once it is back (perhaps on another port).
    runner.eventSource.reconnect();
  });
}

export function createHostRunners(options: HostRunnersOptions): HostRunners {
  const [home] = options.places.hosts;
  if (!home) throw new Error("no agent hosts are configured");
  const runners = new Map<string, OpencodeTaskDeps>();
  const of = (host: HostConfig): OpencodeTaskDeps => {
    const known = runners.get(host.name);
    if (known) return known;
    const runner = createOpencodeRunner({ ...options, opencode: options.opencodeOf(host) });
    endRunsOnExit(runner);
    runners.set(host.name, runner);
    return runner;
  };
  of(home);
  return { home, of, made: () => [...runners.values()] };
}
