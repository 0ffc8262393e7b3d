import fs from "node:fs";
import path from "node:path";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { brief } from "./lib/answers";
import { killHard, pidWithEnv, waitGone } from "./lib/processes";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";

export type KilledOperation = "create" | "stash" | "commit" | "remove";

type Prepared = {
  sessionId: string;
  path: string;
  /** the files the worktree holds that are not committed, with their content */
  work: Record<string, string>;
  headBefore: string | null;
  stashBefore: string | null;
};

/**
 * The sidecar killed with SIGKILL at a random point of an operation, `count` times: half the kills
 * take the git processes it started with it (what systemd's control-group kill does), half leave them
 * to finish as orphans (a crash of node alone). Then, with plain git:
 * - nothing is lost: every uncommitted file is still in the worktree, or (stash) in the newest stash
 *   entry, or (commit) in the new commit; a removed or half-removed worktree was clean to begin with;
 * - the worktree is as before or as the completed operation leaves it (create: absent, or a
 *   checkout of the base; remove: present, or gone with git no longer listing it);
 * and a new sidecar's delete (`remove`) of it gives a true verdict: it removes only what plain git
 * shows to be clean (nothing uncommitted, nothing unpushed), and calls nothing at risk that is clean.
 */
export async function sidecarKillDrill(options: { operation: KilledOperation; count: number; seed: number; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const random = seededRandom(options.seed + options.operation.length * 7919);
  const fixture = await createRepoFixture();
  const verdicts = new Map<string, number>();
  const landed = new Map<string, number>();
  let sidecar: SidecarProcess | null = null;
  let previous: Prepared | null = null;
  let calibrationMs = 0;
  try {
    for (let round = 0; round <= options.count; round += 1) {
      sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
      const pid = pidWithEnv("BOOCHAT_DATA_DIR", sidecar.dataDir);
      if (pid === null) throw new Error("cannot find the sidecar's pid");
      // The next delete, by a sidecar that never saw the killed operation.
      if (previous) {
        const verdict = await judgeNextDelete(fixture, sidecar, previous);
        verdicts.set(verdict.verdict, (verdicts.get(verdict.verdict) ?? 0) + 1);
        for (const problem of verdict.problems) problems.add(`${options.operation} #${round - 1}: ${problem}`);
      }
      if (round === options.count) break;
      const prepared = await prepare(fixture, sidecar, options.operation, round);
      if (calibrationMs === 0) {
        // One undisturbed run of the operation tells how long it takes here, so kill points spread over it.
        const probe = await prepare(fixture, sidecar, options.operation, 10_000 + round);
        const t0 = performance.now();
        await sendOperation(sidecar, options.operation, probe);
        calibrationMs = Math.max(20, performance.now() - t0);
      }
      const delay = random() * calibrationMs;
      const withChildren = round % 2 === 0;
      const request = sendOperation(sidecar, options.operation, prepared).then(
        (answer) => `answered ${answer.status}`,
        () => "cut off",
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      const orphans = killHard(pid, { children: withChildren });
      const outcome = await request;
      await sidecar.exited;
      await waitGone(orphans);
      await sidecar.stop();
      landed.set(outcome, (landed.get(outcome) ?? 0) + 1);
      for (const problem of await judgeAfterKill(fixture, options.operation, prepared)) problems.add(`${options.operation} #${round} (killed after ${Math.round(delay)} ms, ${withChildren ? "git killed too" : "git left running"}, ${outcome}): ${problem}`);
      previous = prepared;
      sidecar = null;
    }
  } finally {
    await sidecar?.stop();
    await fixture.cleanup();
  }
  const summary = (map: Map<string, number>) => [...map.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
  options.log?.(`${options.operation}: requests ${summary(landed)}; next deletes ${summary(verdicts)}; an undisturbed ${options.operation} took ${Math.round(calibrationMs)} ms`);
  return {
    drill: `sidecar killed during ${options.operation}`,
    requests: options.count,
    faults: options.count,
    problems: problems.list(),
    notes: `requests ${summary(landed)}; next deletes ${summary(verdicts)}`,
    ms: Date.now() - started,
  };
}

function sendOperation(sidecar: SidecarProcess, operation: KilledOperation, prepared: Prepared) {
  switch (operation) {
    case "create":
      return sidecar.request("POST", "/v1/worktrees", { sessionId: prepared.sessionId, repoPath: sidecar.worktreeRoot.replace(/worktrees$/, "clone") });
    case "stash":
      return sidecar.request("POST", "/v1/worktrees/stash", { path: prepared.path, message: `boochat: drill ${prepared.sessionId}` });
    case "commit":
      return sidecar.request("POST", "/v1/worktrees/commit", { path: prepared.path, message: `drill ${prepared.sessionId}` });
    case "remove":
      return sidecar.request("POST", "/v1/worktrees/remove", { path: prepared.path });
  }
}

async function prepare(fixture: RepoFixture, sidecar: SidecarProcess, operation: KilledOperation, round: number): Promise<Prepared> {
  const sessionId = `${operation}-${round}`;
  const worktreePath = path.join(fixture.worktreeRoot, `clone-${sessionId}`);
  const stashBefore = await gitOrNull(fixture, fixture.clone, ["rev-parse", "-q", "--verify", "refs/stash"]);
  if (operation === "create") return { sessionId, path: worktreePath, work: {}, headBefore: null, stashBefore };
  const created = await sidecar.request<{ path: string; head: string }>("POST", "/v1/worktrees", { sessionId, repoPath: fixture.clone });
  if (created.status !== 200) throw new Error(`could not prepare a worktree: ${brief(created.body)}`);
  const work: Record<string, string> = {};
  if (operation !== "remove") {
    // Some files in a new folder (untracked), an edit, a deletion: every kind of uncommitted work.
    work[`notes/${sessionId}.md`] = `idea ${round}\n`;
    work["README.md"] = `# fixture\n\nline two\nedited in ${sessionId}\n`;
    for (let i = 0; i < 20; i += 1) work[`src/file-${i}.txt`] = `${sessionId} ${i}\n`.repeat(50);
    await fixture.write(created.body.path, work);
  }
  return { sessionId, path: created.body.path, work, headBefore: created.body.head, stashBefore };
}

async function gitOrNull(fixture: RepoFixture, cwd: string, args: string[]): Promise<string | null> {
  const out = await fixture.git(cwd, args, { allowFailure: true });
  return out === "" ? null : out;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Where every piece of uncommitted work is now; a problem for each piece that is nowhere. */
async function judgeAfterKill(fixture: RepoFixture, operation: KilledOperation, prepared: Prepared): Promise<string[]> {
  const found: string[] = [];
  const listed = (await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"])).includes(`worktree ${prepared.path}\n`);
  const exists = fs.existsSync(prepared.path);
  if (operation === "create") {
    if (exists && !listed) found.push(`a folder ${prepared.path} exists that git does not list as a worktree`);
    return found;
  }
  if (operation === "remove") {
    if (!exists && listed && !(await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"])).includes("prunable")) found.push("the folder is gone but git still lists the worktree as present");
    return found;
  }
  const stashAfter = await gitOrNull(fixture, fixture.clone, ["rev-parse", "-q", "--verify", "refs/stash"]);
  const newStash = stashAfter !== null && stashAfter !== prepared.stashBefore ? stashAfter : null;
  const head = await gitOrNull(fixture, prepared.path, ["rev-parse", "HEAD"]);
  for (const [file, content] of Object.entries(prepared.work)) {
    if (readOrNull(path.join(prepared.path, file)) === content) continue;
    if (operation === "stash" && newStash) {
      // A tracked file's change is in the stash commit; an untracked one in its third parent.
      const tracked = await fixture.git(fixture.clone, ["show", `${newStash}:${file}`], { allowFailure: true });
      const untracked = await fixture.git(fixture.clone, ["show", `${newStash}^3:${file}`], { allowFailure: true });
      if (`${tracked}\n` === content || `${untracked}\n` === content) continue;
    }
    if (operation === "commit" && head && head !== prepared.headBefore) {
      const committed = await fixture.git(prepared.path, ["show", `${head}:${file}`], { allowFailure: true });
      if (`${committed}\n` === content) continue;
    }
    found.push(`${file} is lost: not in the worktree${operation === "stash" ? (newStash ? " nor in the new stash entry" : ", and no stash entry was made") : operation === "commit" ? " nor in a new commit" : ""}`);
  }
  if (operation === "stash" && prepared.stashBefore !== null) {
    const entries = await fixture.git(fixture.clone, ["stash", "list", "--format=%H"]);
    if (!entries.includes(prepared.stashBefore)) found.push("an older stash entry is gone");
  }
  return found;
}

/** What plain git says of the worktree: clean means removing it loses nothing. */
async function truthOf(fixture: RepoFixture, dir: string): Promise<{ clean: boolean; why: string }> {
  if (!fs.existsSync(dir)) return { clean: false, why: "missing" };
  const list = await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"]);
  const entry = list.split("\n\n").find((block) => block.startsWith(`worktree ${dir}\n`));
  if (!entry) return { clean: false, why: "not listed by git" };
  if (/\nlocked/.test(entry)) return { clean: false, why: "locked" };
  const status = await fixture.git(dir, ["status", "--porcelain", "--untracked-files=all"], { allowFailure: true });
  if (status !== "") return { clean: false, why: `uncommitted: ${status.split("\n").length} entries` };
  const unpushed = await fixture.git(dir, ["rev-list", "--count", "HEAD", "--not", "--remotes"], { allowFailure: true });
  if (unpushed !== "0") return { clean: false, why: `${unpushed} unpushed commits` };
  return { clean: true, why: "clean" };
}

/** A fresh sidecar's delete of the worktree the kill left behind: its verdict against plain git's. */
async function judgeNextDelete(fixture: RepoFixture, sidecar: SidecarProcess, prepared: Prepared): Promise<{ verdict: string; problems: string[] }> {
  if (!fs.existsSync(prepared.path) && !(await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"])).includes(`worktree ${prepared.path}\n`)) {
    return { verdict: "nothing left to delete", problems: [] };
  }
  const truth = await truthOf(fixture, prepared.path);
  const answer = await sidecar.request<{ removed?: boolean; reports?: Array<{ status: string; error?: string; reasons: string[] }> }>("POST", "/v1/worktrees/remove", { path: prepared.path });
  const problems: string[] = [];
  if (answer.status === 200) {
    if (!truth.clean) problems.push(`the next delete removed a worktree plain git calls not clean (${truth.why})`);
    return { verdict: "removed (clean)", problems };
  }
  const report = answer.body.reports?.[0];
  if (answer.status !== 409 || !report) return { verdict: `answered ${answer.status}`, problems: [`the next delete answered ${answer.status}: ${brief(answer.body)}`] };
  if (report.status === "clean") problems.push("the next delete refused with a clean report");
  if (report.status === "at-risk" && truth.clean) problems.push(`the next delete calls it at risk (${report.reasons.join(", ")}) but plain git finds it clean`);
  return { verdict: `${report.status}${report.status === "unverified" ? ` (${truth.why})` : ""}`, problems };
}
