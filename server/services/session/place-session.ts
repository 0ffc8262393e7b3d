import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { HostRouter } from "../../hosts/host-router";
import type { HostConfig } from "../../hosts/hosts-config";
import { fetchHostStatus, probeRepository, type RepositoryProbe } from "../../hosts/host-service-client";
import { runningTasksByHost } from "../hosts/host-load";

type Candidate = { host: HostConfig; probe: RepositoryProbe; load: number };

/**
 * The host a new session's worktree goes to (docs/HOSTS.md): the one named; with one host, that
 * one (no question asked, exactly as before hosts); otherwise every host is asked whether the
 * repository is there, and of those that have it the least busy wins (fewest running tasks, then
 * the lowest load).
 */
export async function placeSession(deps: { db: Db; sidecar: HostRouter }, input: { repoPath: string; host?: string }): Promise<HostConfig> {
  const { sidecar } = deps;
  if (input.host) {
    sidecar.forHost(input.host);
    return sidecar.hostOf(input.host);
  }
  if (sidecar.hosts.length === 1) return sidecar.home;
  const answers = await Promise.all(
    sidecar.hosts.map(async (host) => {
      try {
        const [probe, load] = await Promise.all([probeRepository(host, input.repoPath), fetchHostStatus(host).then((status) => status.load, () => Number.POSITIVE_INFINITY)]);
        return { host, probe, load };
      } catch (error) {
        return { host, failure: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const candidates = answers.filter((a): a is Candidate => "probe" in a && a.probe !== undefined && a.probe.usable);
  if (candidates.length === 0) {
    const why = answers.map((a) => ("probe" in a && a.probe ? `${a.host.name}: ${a.probe.reason ?? "not usable"}` : a.failure));
    throw new AppError("BAD_REQUEST", `repoPath: ${input.repoPath} is not a git repository on any host (${why.join("; ")})`);
  }
  const running = await runningTasksByHost(deps.db, sidecar);
  return leastBusy(candidates, running).host;
}

function leastBusy(candidates: Candidate[], running: Map<string, number>): Candidate {
  const busy = (c: Candidate) => running.get(c.host.name) ?? 0;
  const [best] = [...candidates].sort((a, b) => busy(a) - busy(b) || a.load - b.load);
  if (!best) throw new Error("leastBusy needs a candidate");
  return best;
}
