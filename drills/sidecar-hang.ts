import fs from "node:fs";
import path from "node:path";
import type { Db } from "../server/db";
import { AppError } from "../server/errors";
import { createSidecarClient } from "../server/sidecar-client";
import { createRepoFixture } from "../tests/helpers/git-repos";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { callerFor } from "../tests/helpers/trpc-caller";
import { pidWithEnv } from "./lib/processes";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";

/**
 * The sidecar hung (SIGSTOP) before or in the middle of a delete, `count` rounds: the delete of a
 * clean and of a dirty session each answers within the risk timeout (plus a second of slack), refused
 * as unverified; Force still deletes (without asking the sidecar); after SIGCONT the sidecar serves
 * the requests it had queued, and nothing that held work has been removed: the dirty worktree and its
 * files are all there. A clean worktree may go late (the documented edge: its removal was under way);
 * that loses nothing.
 */
export async function sidecarHangDrill(options: { count: number; seed: number; db: Db; riskTimeoutMs: number; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const random = seededRandom(options.seed + 23);
  const fixture = await createRepoFixture();
  const sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  const pid = pidWithEnv("BOOCHAT_DATA_DIR", sidecar.dataDir);
  if (pid === null) throw new Error("cannot find the sidecar's pid");
  const caller = callerFor(options.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), riskTimeoutMs: options.riskTimeoutMs });
  const answerTimes: number[] = [];
  let lateRemovals = 0;
  try {
    for (let round = 0; round < options.count; round += 1) {
      const clean = await caller.session.create({ title: `hang ${round} clean`, repoPath: fixture.clone });
      const dirty = await caller.session.create({ title: `hang ${round} dirty`, repoPath: fixture.clone });
      const cleanPath = clean.worktree?.path ?? "";
      const dirtyPath = dirty.worktree?.path ?? "";
      const work = { "notes/plan.md": `the plan, round ${round}\n`, "README.md": `# fixture\n\nedited in round ${round}\n` };
      await fixture.write(dirtyPath, work);
      // Even rounds: hung before the delete is asked. Odd rounds: hung at a random point of it.
      const stopBefore = round % 2 === 0;
      if (stopBefore) process.kill(pid, "SIGSTOP");
      const deletes = [clean, dirty].map(async (session) => {
        const t0 = performance.now();
        const outcome = await caller.session.delete({ id: session.id }).then(
          () => "deleted",
          (error: unknown) => error,
        );
        return { session, outcome, ms: performance.now() - t0 };
      });
      if (!stopBefore) {
        await new Promise((resolve) => setTimeout(resolve, random() * 150));
        process.kill(pid, "SIGSTOP");
      }
      for (const { session, outcome, ms } of await Promise.all(deletes)) {
        answerTimes.push(ms);
        const which = session.id === clean.id ? "clean" : "dirty";
        if (ms > options.riskTimeoutMs + 1_000) problems.add(`round ${round}: the ${which} delete took ${Math.round(ms)} ms (risk timeout ${options.riskTimeoutMs} ms)`);
        if (outcome === "deleted") {
          // Possible only when the sidecar answered before it stopped, so only for the clean one.
          if (which === "dirty") problems.add(`round ${round}: the dirty session was deleted`);
          continue;
        }
        const cause = (outcome as { cause?: unknown }).cause;
        if (!(cause instanceof AppError) || cause.code !== "CONFLICT") {
          problems.add(`round ${round}: the ${which} delete failed with ${outcome instanceof Error ? outcome.message : String(outcome)}`);
          continue;
        }
        const status = cause.data.riskReports?.[0]?.status;
        if (status === "clean" || (status === "at-risk" && which === "clean")) problems.add(`round ${round}: the ${which} delete was refused with a report saying ${status}`);
      }
      // Force escapes a hung sidecar: no request to it, the worktree stays on disk.
      const stillThere = await options.db.session.findUnique({ where: { id: dirty.id } });
      if (stillThere) {
        const t0 = performance.now();
        const forced = await caller.session.delete({ id: dirty.id, force: true });
        if (forced.worktree?.outcome !== "kept-as-orphan") problems.add(`round ${round}: force answered ${JSON.stringify(forced)}`);
        if (performance.now() - t0 > 1_000) problems.add(`round ${round}: force took ${Math.round(performance.now() - t0)} ms with the sidecar hung`);
      }
      process.kill(pid, "SIGCONT");
      // The queued requests run now: wait (polling) until the sidecar answers again and has done them.
      await waitFor(async () => (await sidecar.request("POST", "/v1/worktrees/risk", { paths: [dirtyPath] })).status === 200, 30_000);
      for (const [file, content] of Object.entries(work)) {
        if (!fs.existsSync(path.join(dirtyPath, file)) || fs.readFileSync(path.join(dirtyPath, file), "utf8") !== content) problems.add(`round ${round}: ${file} of the dirty worktree is lost after SIGCONT`);
      }
      if (!fs.existsSync(cleanPath) && (await options.db.session.findUnique({ where: { id: clean.id } }))) lateRemovals += 1;
      // Tidy up for the next round: the clean session by force (its folder may already be gone).
      if (await options.db.session.findUnique({ where: { id: clean.id } })) await caller.session.delete({ id: clean.id, force: true });
    }
  } finally {
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      // gone
    }
    await sidecar.stop();
    await fixture.cleanup();
  }
  const slowest = Math.max(...answerTimes);
  options.log?.(`slowest refusal ${Math.round(slowest)} ms (risk timeout ${options.riskTimeoutMs} ms); ${lateRemovals} clean worktrees removed after the timeout`);
  return {
    drill: "sidecar hung during a delete",
    requests: answerTimes.length,
    faults: options.count,
    problems: problems.list(),
    notes: `slowest answer ${Math.round(slowest)} ms against a ${options.riskTimeoutMs} ms risk timeout; ${lateRemovals} clean worktrees removed late (nothing lost)`,
    ms: Date.now() - started,
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
