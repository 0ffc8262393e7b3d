import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { createDb, type Db } from "../server/db";
import { createHostRouter, type HostRouter } from "../server/hosts/host-router";
import type { HostConfig } from "../server/hosts/hosts-config";
import { checkWorktrees } from "../server/services/worktree/risk-gate";
import { createContextInner } from "../server/trpc/init";
import { createCaller } from "../server/trpc/routers/_app";
import { makeUserRepo } from "../tests/helpers/git-workdir";
import { startHostService, type HostServiceProcess } from "../tests/helpers/host-process";
import { migratedDatabase } from "./migrated-db";

/**
 * `npm run bench -- hosts [--runs=15] [--worktrees=20]` (issue 20): what routing by host costs.
 * Two host services A and B on this machine, one database.
 * - Delete: `session.delete` of a clean-worktree session on B, through a router over A and B,
 *   against the same delete through a router whose only host is B (a single-host setup). Runs
 *   alternate, so drift hits both. Target <= 1.1.
 * - Batch risk: one check of `worktrees` worktrees on A and as many on B, against the slower of
 *   the two hosts' shares checked alone. Target <= 1.1.
 * Two hosts are two machines: with 2 CPUs or more and `taskset`, each host service (and the git it
 * runs) is pinned to a CPU of its own, so the hosts do not take each other's CPU as they would on one
 * machine; without, the header says they share.
 */

type Options = { runs: number; worktrees: number };

function parseOptions(args: string[]): Options {
  const options: Options = { runs: 15, worktrees: 20 };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, "").split("=");
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg}: expected --name=<positive integer>`);
    if (key === "runs") options.runs = n;
    else if (key === "worktrees") options.worktrees = n;
    else throw new Error(`unknown option ${arg}: known are --runs and --worktrees`);
  }
  return options;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Pins a host service and everything it starts from now on to one CPU (taskset: every thread of the process). */
async function pinToCpu(host: HostServiceProcess, cpu: number): Promise<boolean> {
  if (os.cpus().length < 2) return false;
  const result = await execa("taskset", ["-a", "-c", "-p", String(cpu), String(host.pid)], { reject: false });
  return result.exitCode === 0;
}

const configOf = (host: HostServiceProcess): HostConfig => ({ name: host.name, url: host.url, token: host.token, kind: "host-service" });

/** Median ms of deleting a fresh clean-worktree session on B through each caller, alternating. */
async function deleteCosts(callers: { twoHosts: ReturnType<typeof createCaller>; single: ReturnType<typeof createCaller> }, repoPath: string, runs: number) {
  const times = { twoHosts: [] as number[], single: [] as number[] };
  for (let i = 0; i < runs + 1; i += 1) {
    for (const which of ["twoHosts", "single"] as const) {
      const caller = callers[which];
      const session = await caller.session.create({ title: `bench ${which} ${i}`, repoPath, host: "B" });
      const ms = await timed(() => caller.session.delete({ id: session.id }));
      // The first round warms both up.
      if (i > 0) times[which].push(ms);
    }
  }
  return { twoHosts: median(times.twoHosts), single: median(times.single) };
}

async function riskCosts(router: HostRouter, worktrees: Record<"A" | "B", { path: string; branch: string | null }[]>, runs: number) {
  const both = [...worktrees.A, ...worktrees.B];
  const times = { both: [] as number[], A: [] as number[], B: [] as number[] };
  for (let i = 0; i < runs + 1; i += 1) {
    const round = {
      both: await timed(() => checkWorktrees(router, both, 60_000)),
      A: await timed(() => checkWorktrees(router, worktrees.A, 60_000)),
      B: await timed(() => checkWorktrees(router, worktrees.B, 60_000)),
    };
    if (i === 0) continue;
    times.both.push(round.both);
    times.A.push(round.A);
    times.B.push(round.B);
  }
  return { both: median(times.both), A: median(times.A), B: median(times.B) };
}

/** The measurements, with hosts A and B up and an empty database: prints the table and the verdicts. */
async function measure(options: Options, setup: { repoPath: string; db: Db; a: HostServiceProcess; b: HostServiceProcess }): Promise<void> {
  const { repoPath, db, a, b } = setup;
  const pinned = (await pinToCpu(a, 0)) && (await pinToCpu(b, 1));
  const twoHosts = createHostRouter({ db, hosts: [configOf(a), configOf(b)] });
  const single = createHostRouter({ db, hosts: [configOf(b)] });
  const callerOf = (router: HostRouter) => createCaller(createContextInner({ db, sidecar: router, riskTimeoutMs: 60_000 }));
  console.log(`hosts bench: ${options.runs} runs, ${options.worktrees} worktrees per host, ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(2)}, node ${process.version}`);
  console.log(pinned ? "hosts A and B each pinned to a CPU of their own (taskset), as two machines would be" : "hosts A and B share this machine's CPUs (no taskset or one CPU): the batch risk ratio then counts their contention too");

  const deletes = await deleteCosts({ twoHosts: callerOf(twoHosts), single: callerOf(single) }, repoPath, options.runs);

  const made: Record<"A" | "B", { path: string; branch: string | null }[]> = { A: [], B: [] };
  const caller = callerOf(twoHosts);
  for (const name of ["A", "B"] as const) {
    for (let i = 0; i < options.worktrees; i += 1) {
      const session = await caller.session.create({ title: `risk ${name} ${i}`, repoPath, host: name });
      if (session.worktree) made[name].push({ path: session.worktree.path, branch: session.worktree.branch });
    }
  }
  const risk = await riskCosts(twoHosts, made, options.runs);

  const deleteRatio = deletes.twoHosts / deletes.single;
  const slower = Math.max(risk.A, risk.B);
  const riskRatio = risk.both / slower;
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  console.log("");
  console.log("| measurement | median ms | baseline | baseline median ms | ratio | target |");
  console.log("| --- | ---: | --- | ---: | ---: | ---: |");
  console.log(`| session.delete of a clean session on B, two hosts | ${fmt(deletes.twoHosts)} | the same, B the only host | ${fmt(deletes.single)} | ${deleteRatio.toFixed(2)} | <= 1.1 |`);
  console.log(`| risk of ${options.worktrees} on A + ${options.worktrees} on B in one check | ${fmt(risk.both)} | the slower host's share alone (A ${risk.A.toFixed(1)}, B ${risk.B.toFixed(1)}) | ${fmt(slower)} | ${riskRatio.toFixed(2)} | <= 1.1 |`);
  console.log("");
  console.log(`delete target: ${deleteRatio <= 1.1 ? "met" : "NOT met"} (${deleteRatio.toFixed(2)}); batch risk target: ${riskRatio <= 1.1 ? "met" : "NOT met"} (${riskRatio.toFixed(2)})`);
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-bench-hosts-"));
  // Undone in reverse, whatever step failed: no host, folder or repository is left behind.
  const undo: Array<() => Promise<unknown>> = [() => fs.rm(dir, { recursive: true, force: true })];
  try {
    const repo = await makeUserRepo();
    undo.unshift(() => repo.cleanup());
    const db = createDb((await migratedDatabase(dir)).url);
    undo.unshift(() => db.$disconnect());
    const start = (name: string) => startHostService({ name, worktreeRoot: path.join(dir, `${name}-worktrees`), dataDir: path.join(dir, `${name}-data`) });
    const started = await Promise.allSettled([start("A"), start("B")]);
    for (const host of started) if (host.status === "fulfilled") undo.unshift(() => host.value.stop());
    const [a, b] = started.map((host) => {
      if (host.status === "rejected") throw host.reason;
      return host.value;
    });
    if (!a || !b) throw new Error("the host services did not start");
    await measure(options, { repoPath: repo.repo, db, a, b });
  } finally {
    for (const step of undo) await step().catch((error: unknown) => console.error(`cleaning up: ${String(error)}`));
  }
}
