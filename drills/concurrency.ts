import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import type { Db } from "../server/db";
import { createSidecarClient } from "../server/sidecar-client";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { callerFor } from "../tests/helpers/trpc-caller";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";

type Kind = "clean" | "dirty" | "unpushed";
type Planted = { id: string; kind: Kind; path: string; work: Record<string, string>; head: string };
type Operation = { op: "delete" | "stash"; target: Planted } | { op: "create"; title: string };

/** 10 clean, 5 dirty (a tracked file edited and an untracked one), 5 with a commit never pushed. */
const KINDS: Kind[] = ["clean", "clean", "dirty", "unpushed"];
const SESSIONS = 20;
const OPERATIONS = 50;

/**
 * 50 concurrent deletes, stashes and creates over 20 sessions of one repository, `count` rounds,
 * through the real tRPC callers, the real sidecar process and SQLite. Afterwards the state must be
 * one some serial order of those calls could leave:
 * - no answer is an internal error (each is a success or a refusal in words);
 * - a session that is gone had its worktree removed (folder and git's list) and held no work then:
 *   a dirty one's edits are in a stash entry, one with an unpushed commit is never deleted;
 * - a session still there has its worktree, listed by git, with its work either still in it or in
 *   a stash entry (when a stash succeeded), and its commit at HEAD;
 * - the database's live worktree rows, git's worktree list and the folders under the root agree.
 */
export async function concurrencyDrill(options: { count: number; seed: number; db: Db; riskTimeoutMs?: number; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const random = seededRandom(options.seed + 31);
  const fixture = await createRepoFixture();
  const sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  const caller = callerFor(options.db, { sidecar: createSidecarClient({ url: sidecar.url, token: sidecar.token }), riskTimeoutMs: options.riskTimeoutMs });
  const answers = new Map<string, number>();
  let requests = 0;
  let sidecarErrorsSeen = 0;
  let lateRemovals = 0;
  try {
    // Outside the app: never touched by the drill's calls, only used to wait for the sidecar's queue.
    const drain = await fixture.addWorktree("drain");
    for (let round = 0; round < options.count; round += 1) {
      const planted: Planted[] = [];
      for (let i = 0; i < SESSIONS; i += 1) {
        const kind = KINDS[i % KINDS.length] ?? "clean";
        const session = await caller.session.create({ title: `r${round} ${kind} ${i}`, repoPath: fixture.clone });
        const dir = session.worktree?.path ?? "";
        const work: Record<string, string> = {};
        if (kind === "dirty") Object.assign(work, { "README.md": `# fixture\n\nedited by ${session.id}\n`, [`notes/${session.id}.md`]: `the idea of ${session.id}\n` });
        if (kind === "unpushed") await fixture.commit(dir, { [`feature-${session.id}.txt`]: `committed by ${session.id}, never pushed\n` }, "unpushed work");
        await fixture.write(dir, work);
        planted.push({ id: session.id, kind, path: dir, work, head: await fixture.git(dir, ["rev-parse", "HEAD"]) });
      }
      const callOn = (op: "delete" | "stash", target: Planted): Promise<unknown> =>
        op === "delete" ? caller.session.delete({ id: target.id }) : caller.worktree.stash({ sessionId: target.id });
      const operations: Operation[] = [];
      for (let k = 0; k < OPERATIONS; k += 1) {
        const dice = random();
        const target = planted[Math.floor(random() * planted.length)] ?? planted[0];
        if (!target) break;
        operations.push(dice < 0.4 ? { op: "delete", target } : dice < 0.7 ? { op: "stash", target } : { op: "create", title: `r${round} created ${k}` });
      }
      // All at once: the gate, the stash and the create race for the same repository and rows.
      const outcomes = await Promise.all(
        operations.map(async (operation) => {
          const call = operation.op === "create" ? caller.session.create({ title: operation.title, repoPath: fixture.clone }) : callOn(operation.op, operation.target);
          return call.then(
            () => ({ operation, answer: "ok", error: null as unknown }),
            (error: unknown) => ({ operation, answer: error instanceof TRPCError ? error.code : "THROWN", error }),
          );
        }),
      );
      requests += operations.length;
      // A request through the repository's lock returns once every remove, stash and create queued
      // ahead of it in the sidecar is done, even those whose caller stopped waiting: the settled state.
      const drained = await sidecar.request("POST", "/v1/worktrees/stash", { path: drain, message: "drain" });
      if (drained.status !== 200) problems.add(`round ${round}: the drain request answered ${drained.status}`);
      const timedOut = new Set<string>();
      for (const { operation, answer, error } of outcomes) {
        // The delete gate's own refusal when the sidecar did not answer within the risk timeout.
        if (operation.op === "delete" && answer === "CONFLICT" && error instanceof Error && /could not run/.test(error.message)) timedOut.add(operation.target.id);
        const key = `${operation.op} ${answer}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        if (answer !== "ok" && answer !== "CONFLICT") options.log?.(`${operation.op} answered ${answer}: ${error instanceof Error ? error.message : String(error)}`);
        if (answer === "INTERNAL_SERVER_ERROR" || answer === "THROWN") {
          problems.add(`round ${round}: ${operation.op}${operation.op === "create" ? "" : ` of a ${operation.target.kind} session`} answered ${answer}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      // The sidecar's 500s reach the app as "the sidecar failed to answer" (SERVICE_UNAVAILABLE): its log tells.
      const unexpected = sidecar.output().split("sidecar: unexpected error:").length - 1;
      if (unexpected > sidecarErrorsSeen) problems.add(`round ${round}: the sidecar answered 500 ${unexpected - sidecarErrorsSeen} times: ${sidecar.output().slice(sidecar.output().indexOf("sidecar: unexpected error:")).slice(0, 600)}`);
      sidecarErrorsSeen = unexpected;
      const state = await checkFinalState(options.db, fixture, planted, drain, timedOut);
      lateRemovals += state.lateRemovals;
      for (const problem of state.problems) problems.add(`round ${round}: ${problem}`);
    }
  } finally {
    await sidecar.stop();
    await fixture.cleanup();
  }
  const summary = [...answers.entries()].sort().map(([key, n]) => `${n} ${key}`).join(", ");
  options.log?.(summary);
  const late = lateRemovals > 0 ? `; ${lateRemovals} clean worktrees removed while their delete's risk timeout expired (known edge, nothing lost)` : "";
  return { drill: "concurrent deletes, stashes and creates", requests, faults: 0, problems: problems.list(), notes: `${summary}${late}`, ms: Date.now() - started };
}

/** What the stash entries hold: file path -> contents, over every entry (tracked edits and untracked files). */
async function stashedFiles(fixture: RepoFixture): Promise<Map<string, Set<string>>> {
  const held = new Map<string, Set<string>>();
  const list = await fixture.git(fixture.clone, ["stash", "list", "--format=%H"], { allowFailure: true });
  for (const entry of list.split("\n").filter(Boolean)) {
    for (const tree of [entry, `${entry}^3`]) {
      const names = await fixture.git(fixture.clone, ["ls-tree", "-r", "--name-only", tree], { allowFailure: true });
      for (const name of names.split("\n").filter(Boolean)) {
        const content = await fixture.git(fixture.clone, ["show", `${tree}:${name}`], { allowFailure: true });
        const set = held.get(name) ?? new Set<string>();
        set.add(content);
        held.set(name, set);
      }
    }
  }
  return held;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/**
 * The settled state's problems, and the late removals: a session whose delete was refused because
 * the sidecar did not answer within the risk timeout, while git was already removing its worktree
 * (clean, so nothing is lost; the next delete says the folder is missing and Force clears it). The
 * sidecar gives up a remove whose caller left before git starts (found by this drill); the time git
 * itself takes to remove is the window that is left (docs/ARCHITECTURE.md, "Known edge").
 */
async function checkFinalState(db: Db, fixture: RepoFixture, planted: Planted[], drain: string, timedOut: Set<string>): Promise<{ problems: string[]; lateRemovals: number }> {
  const problems: string[] = [];
  let lateRemovals = 0;
  const listed = new Set(
    (await fixture.git(fixture.clone, ["worktree", "list", "--porcelain"]))
      .split("\n")
      .filter((line) => line.startsWith("worktree "))
      .map((line) => line.slice("worktree ".length))
      .filter((dir) => path.dirname(dir) === fixture.worktreeRoot && dir !== drain),
  );
  const folders = new Set(fs.readdirSync(fixture.worktreeRoot).map((name) => path.join(fixture.worktreeRoot, name)).filter((dir) => dir !== drain));
  const stashed = await stashedFiles(fixture);
  const inStash = (work: Record<string, string>) => Object.entries(work).every(([file, content]) => stashed.get(file)?.has(content.trimEnd()) ?? false);
  // Late removals first: their rows are not the inconsistency counted below.
  const late = new Set<string>();
  for (const session of planted) {
    if (!timedOut.has(session.id) || listed.has(session.path) || fs.existsSync(session.path)) continue;
    if (!(await db.session.findUnique({ where: { id: session.id } }))) continue;
    if (session.kind === "clean" || (session.kind === "dirty" && inStash(session.work))) {
      late.add(session.path);
      lateRemovals += 1;
    }
  }
  const liveRows = (await db.worktree.findMany({ where: { removedAt: null }, select: { path: true, sessionId: true } })).filter((row) => !late.has(row.path));
  const rowPaths = new Set(liveRows.map((row) => row.path));
  for (const dir of listed) if (!rowPaths.has(dir)) problems.push(`git lists worktree ${path.basename(dir)} that no live database row names`);
  for (const dir of rowPaths) if (!listed.has(dir)) problems.push(`a live database row names worktree ${path.basename(dir)} that git does not list`);
  for (const dir of folders) if (!listed.has(dir)) problems.push(`folder ${path.basename(dir)} under the root is no worktree git lists (half removed?)`);
  for (const row of liveRows) if (row.sessionId === null) problems.push(`worktree ${path.basename(row.path)} is live but belongs to no session`);

  for (const session of planted) {
    if (late.has(session.path)) continue;
    const row = await db.session.findUnique({ where: { id: session.id }, select: { worktree: { select: { path: true, removedAt: true } } } });
    const name = `${session.kind} session ${session.id}`;
    if (!row) {
      if (listed.has(session.path) || fs.existsSync(session.path)) problems.push(`${name} is deleted but its worktree is still there`);
      if (session.kind === "unpushed") problems.push(`${name} was deleted although it held a commit never pushed`);
      if (session.kind === "dirty" && !inStash(session.work)) problems.push(`${name} was deleted and its uncommitted work is in no stash entry: lost`);
      continue;
    }
    if (!row.worktree || row.worktree.removedAt !== null) {
      problems.push(`${name} is still there but its worktree row says removed`);
      continue;
    }
    if (!listed.has(session.path)) {
      problems.push(`${name} is still there but git does not list its worktree`);
      continue;
    }
    const inWorktree = Object.entries(session.work).every(([file, content]) => readOrNull(path.join(session.path, file)) === content);
    if (!inWorktree && !inStash(session.work)) problems.push(`${name}: its work is neither in the worktree nor in a stash entry`);
    const head = await fixture.git(session.path, ["rev-parse", "HEAD"], { allowFailure: true });
    if (head !== session.head) problems.push(`${name}: HEAD moved from ${session.head.slice(0, 8)} to ${head.slice(0, 8)}`);
  }
  return { problems, lateRemovals };
}
