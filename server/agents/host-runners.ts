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

/** An opencode session a run was prompting when BooChat lost sight of its opencode. */
type LostRun = { externalId: string; directory: string };

/** When a host's opencode goes away, its runs (only its own) end failed, and its stream is followed anew. */
function endRunsOnExit(runner: OpencodeTaskDeps, running: Map<string, LostRun>, lost: Map<string, LostRun>) {
  runner.opencode.onExit((exit) => {
    // A host silent past the loss timeout may come back with the same opencode, its runs still going.
    for (const run of running.values()) lost.set(run.externalId, run);
    void runner.tracker.endAll({ status: "failed", error: lostRunText(exit) });
    // The stream of a dead opencode is over: subscribe anew once it is back (perhaps on another port).
    runner.eventSource.reconnect();
  });
}

/** The runs being tracked, by task, so a loss knows which opencode sessions it leaves behind. */
function recordRunning(runner: OpencodeTaskDeps, running: Map<string, LostRun>): OpencodeTaskDeps {
  const { tracker } = runner;
  const track: typeof tracker.track = (input) => {
    const handle = tracker.track(input);
    const run = { externalId: input.externalId, directory: input.directory };
    running.set(input.taskId, run);
    void handle.done.finally(() => {
      if (running.get(input.taskId) === run) running.delete(input.taskId);
    });
    return handle;
  };
  const untrack: typeof tracker.untrack = (taskId) => {
    running.delete(taskId);
    tracker.untrack(taskId);
  };
  return { ...runner, tracker: { ...tracker, track, untrack } };
}

const LOST_RUN_SETTLE_MS = 5_000;

/**
 * A host's opencode whose `ready()` also stops the runs BooChat ended as lost, before anything else
 * is sent there. A host back after a silence longer than the loss timeout, with the same opencode,
 * still carries them: left alone, the agent would go on editing the worktree of a task the user was
 * told failed, and the tab's next message would wait in opencode's queue behind it (for ever, behind
 * a model call that hangs). Each is aborted, then awaited idle (bounded); one whose host restarted
 * is simply gone. A request that cannot reach the host keeps it for the next `ready()`.
 */
function stoppingLostRuns(opencode: OpencodeServer, lost: Map<string, LostRun>, log: (line: string) => void): OpencodeServer {
  let settling: Promise<void> | null = null;
  async function settle(run: LostRun) {
    const { client } = opencode;
    try {
      // The SDK answers a request that reached no one with no response (it does not throw).
      const unreached = (answer: { response?: Response; error?: unknown }) => {
        if (!answer.response) throw answer.error instanceof Error ? answer.error : new Error("the host did not answer");
      };
      unreached(await client.session.abort({ sessionID: run.externalId, directory: run.directory }));
      for (const deadline = Date.now() + LOST_RUN_SETTLE_MS; Date.now() < deadline; ) {
        const statuses = await client.session.status({ directory: run.directory });
        unreached(statuses);
        const status = statuses.data?.[run.externalId];
        if (!statuses.response?.ok || !status || status.type === "idle") break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      lost.delete(run.externalId);
      log(`stopped the lost run of opencode session ${run.externalId}`);
    } catch (error) {
      log(`could not stop the lost run of opencode session ${run.externalId} yet: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const settleAll = () => Promise.all([...lost.values()].map(settle)).then(() => undefined);
  async function ready(timeoutMs?: number) {
    await opencode.ready(timeoutMs);
    if (lost.size === 0) return;
    settling ??= settleAll().finally(() => {
      settling = null;
    });
    await settling;
  }
  // Everything else is the host's opencode itself (its getters read live).
  return new Proxy(opencode, { get: (target, key) => (key === "ready" ? ready : Reflect.get(target, key)) });
}

export function createHostRunners(options: HostRunnersOptions): HostRunners {
  const [home] = options.places.hosts;
  if (!home) throw new Error("no agent hosts are configured");
  const runners = new Map<string, OpencodeTaskDeps>();
  const of = (host: HostConfig): OpencodeTaskDeps => {
    const known = runners.get(host.name);
    if (known) return known;
    const running = new Map<string, LostRun>();
    const lost = new Map<string, LostRun>();
    const opencode = stoppingLostRuns(options.opencodeOf(host), lost, options.log);
    const runner = recordRunning(createOpencodeRunner({ ...options, opencode }), running);
    endRunsOnExit(runner, running, lost);
    runners.set(host.name, runner);
    return runner;
  };
  of(home);
  return { home, of, made: () => [...runners.values()] };
}
