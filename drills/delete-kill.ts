import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Db } from "../server/db";
import { AppError } from "../server/errors";
import { deleteSession } from "../server/services/session/delete-session";
import { createSidecarClient } from "../server/sidecar-client";
import { createRepoFixture } from "../tests/helpers/git-repos";
import { startSidecar } from "../tests/helpers/sidecar-process";
import { callerFor } from "../tests/helpers/trpc-caller";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";

type Kind = "clean" | "dirty" | "unpushed" | "chat-only";
type Planted = { id: string; kind: Kind; path: string | null; work: Record<string, string> };

const KINDS: Kind[] = ["clean", "dirty", "clean", "unpushed", "clean", "chat-only", "clean"];
const REPO_ROOT = path.resolve(import.meta.dirname, "..");

/**
 * The web app killed during session deletes: each round plants sessions (clean, dirty, with an
 * unpushed commit, chat-only), starts a process running the real delete gate on them one after
 * another against the real SQLite file and sidecar, and SIGKILLs it at a random point. Then, as at
 * the next start: SQLite's integrity and foreign key checks pass; a session is there whole or gone
 * whole (with its tabs); a gone session's worktree was removed and its row says so; a worktree row
 * without removed_at still has its folder unless its session is still there (a delete cut between
 * the sidecar's removal and the row's update: the next delete says "unverified, the folder does not
 * exist", and Force clears it); no work is lost. Finally the next start's deletes give true verdicts.
 */
export async function deleteKillDrill(options: { count: number; seed: number; db: Db; databaseFile: string; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const random = seededRandom(options.seed + 11);
  const fixture = await createRepoFixture();
  const sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  const client = createSidecarClient({ url: sidecar.url, token: sidecar.token });
  const caller = callerFor(options.db, { sidecar: client, riskTimeoutMs: 10_000 });
  const outcomes = new Map<string, number>();
  let calibrationMs = 0;
  let interrupted = 0;
  try {
    for (let round = -1; round < options.count; round += 1) {
      const planted: Planted[] = [];
      for (const [i, kind] of KINDS.entries()) {
        const title = `r${round} ${kind} ${i}`;
        if (kind === "chat-only") {
          const session = await caller.session.create({ title });
          planted.push({ id: session.id, kind, path: null, work: {} });
          continue;
        }
        const session = await caller.session.create({ title, repoPath: fixture.clone });
        const dir = session.worktree?.path ?? "";
        const work: Record<string, string> = {};
        if (kind === "dirty") work[`notes/${i}.md`] = `uncommitted idea ${round}\n`;
        if (kind === "unpushed") work[`feature-${i}.txt`] = `committed, never pushed ${round}\n`;
        await fixture.write(dir, work);
        if (kind === "unpushed") await fixture.git(dir, ["add", "-A"]).then(() => fixture.git(dir, ["commit", "-q", "-m", "unpushed work"]));
        planted.push({ id: session.id, kind, path: dir, work });
      }
      const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "drills", "child", "delete-sessions.ts"), ...planted.map((p) => p.id)], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: `file:${options.databaseFile}`, BOOCHAT_SIDECAR_URL: sidecar.url, BOOCHAT_SIDECAR_TOKEN: sidecar.token },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      // Once it is ready (modules loaded), the deletes run; the kill lands somewhere among them.
      while (!output.includes("ready\n") && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
      const t0 = performance.now();
      if (round === -1) {
        await exited;
        calibrationMs = performance.now() - t0;
      } else {
        await new Promise((resolve) => setTimeout(resolve, random() * calibrationMs));
        child.kill("SIGKILL");
        await exited;
      }
      const done = output.split("\n").filter((line) => /^(deleted|refused) /.test(line)).length;
      const key = round === -1 ? "uninterrupted" : `killed after ${done} of ${planted.length}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      const consistency = checkConsistency(options.databaseFile, planted);
      interrupted += consistency.interrupted;
      for (const problem of consistency.problems) problems.add(`round ${round} (${key}): ${problem}`);
      for (const problem of await nextStartDeletes(options.db, client, fixture.git, planted)) problems.add(`round ${round} (${key}), next start: ${problem}`);
    }
  } finally {
    await sidecar.stop();
    await fixture.cleanup();
  }
  const summary = [...outcomes.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
  options.log?.(`${summary}; ${interrupted} deletes cut between the removal and the row's update; an uninterrupted round took ${Math.round(calibrationMs)} ms`);
  return {
    drill: "web app killed during session deletes",
    requests: options.count * KINDS.length,
    faults: options.count,
    problems: problems.list(),
    notes: `${interrupted} deletes cut between the sidecar's removal and the database update (the next delete says unverified; Force clears them)`,
    ms: Date.now() - started,
  };
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The database as the next start finds it, against what is on disk. */
function checkConsistency(file: string, planted: Planted[]): { problems: string[]; interrupted: number } {
  const found: string[] = [];
  let interrupted = 0;
  const db = new Database(file, { readonly: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") found.push(`integrity_check: ${String(integrity)}`);
    const foreign = db.pragma("foreign_key_check") as unknown[];
    if (foreign.length > 0) found.push(`${foreign.length} rows break a foreign key`);
    for (const p of planted) {
      const session = db.prepare("SELECT id FROM sessions WHERE id = ?").get(p.id);
      const chats = (db.prepare("SELECT COUNT(*) AS n FROM chats WHERE session_id = ?").get(p.id) as { n: number }).n;
      if (session && chats === 0) found.push(`${p.kind} session ${p.id} is there without its tab`);
      if (!p.path) continue;
      const row = db.prepare("SELECT session_id, removed_at FROM worktrees WHERE path = ?").get(p.path) as { session_id: string | null; removed_at: string | null } | undefined;
      const onDisk = fs.existsSync(p.path);
      if (!row) {
        found.push(`the worktree row of ${p.path} is gone`);
        continue;
      }
      if (row.removed_at !== null && onDisk) found.push(`${p.path} is marked removed but is still on disk`);
      if (!session && row.removed_at === null) found.push(`${p.kind} session ${p.id} is gone but its worktree row is not marked removed`);
      if (row.removed_at === null && !onDisk) {
        if (session) interrupted += 1;
        else found.push(`${p.path} is gone from disk, its row not marked removed, its session gone`);
      }
      if (p.kind === "dirty" || p.kind === "unpushed") {
        if (!onDisk) found.push(`${p.kind} worktree ${p.path} was removed: work lost`);
        for (const [name, content] of Object.entries(p.work)) if (onDisk && readOrNull(path.join(p.path, name)) !== content) found.push(`${name} in ${p.kind} worktree ${p.path} changed or is lost`);
      }
    }
  } finally {
    db.close();
  }
  return { problems: found, interrupted };
}

/** The next start deletes what is left through the gate: each verdict must be true; then Force tidies up. */
async function nextStartDeletes(db: Db, sidecar: ReturnType<typeof createSidecarClient>, git: (cwd: string, args: readonly string[], options?: { allowFailure?: boolean }) => Promise<string>, planted: Planted[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of planted) {
    if (!(await db.session.findUnique({ where: { id: p.id } }))) continue;
    const onDisk = p.path !== null && fs.existsSync(p.path);
    const holdsWork = p.kind === "dirty" || p.kind === "unpushed";
    try {
      await deleteSession({ db, sidecar, riskTimeoutMs: 10_000 }, { id: p.id });
      if (holdsWork) found.push(`the ${p.kind} session ${p.id} was deleted and its worktree removed`);
      if (p.path && fs.existsSync(p.path)) found.push(`${p.path} is still on disk after its session was deleted`);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "CONFLICT") {
        found.push(`deleting ${p.kind} session ${p.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const report = error.data.riskReports?.[0];
      const clean = p.kind === "clean" && onDisk && (await git(p.path ?? "", ["status", "--porcelain", "--untracked-files=all"], { allowFailure: true })) === "";
      if (report?.status === "at-risk" && !holdsWork) found.push(`the ${p.kind} session ${p.id} was called at risk (${report.reasons.join(", ")})`);
      if (report?.status === "clean") found.push(`a refusal of ${p.id} carries a clean report`);
      if (clean && report?.status !== "unverified") found.push(`the clean session ${p.id} was refused: ${error.message}`);
      await deleteSession({ db, sidecar, riskTimeoutMs: 10_000 }, { id: p.id, force: true });
    }
  }
  return found;
}
