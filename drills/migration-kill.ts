import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import { resumeInterruptedMigrations } from "../scripts/resume-interrupted-migrations.mjs";
import * as install from "../tests/migrations/arena-install";
import { ARENA_SESSIONS, TASK_CREATORS, deployUpTo, dumpDatabase, migrateDeploy, repoRoot } from "../tests/migrations/prisma-migrate";
import { seedBulkArenaInstall } from "./lib/bulk-arena-install";
import { problemList, type DrillFigures } from "./lib/report";
import { seededRandom } from "./lib/scale";

type Landing = "before arena_sessions" | "during arena_sessions" | "after arena_sessions";

/**
 * The web app killed during a migration: `prisma migrate deploy` (what `npm start` runs first) on an
 * install that needs arena_sessions, SIGKILLed at random points around that migration until `count`
 * kills have landed inside it (at most 4 × count tries). After each kill the next start's migration
 * step (scripts/start.mjs: resume what a kill interrupted, then deploy) must succeed and leave a
 * database equal, row for row and in schema, to a clean run's, passing SQLite's integrity and
 * foreign key checks. Then the gate: on an install the chain refuses (a session owning two
 * worktrees), a killed deploy followed by the next start still refuses, saying why, with the data as
 * it was.
 */
export async function migrationKillDrill(options: { count: number; seed: number; sessions?: number; log?: (line: string) => void }): Promise<DrillFigures> {
  const started = Date.now();
  const problems = problemList();
  const random = seededRandom(options.seed + 5);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-drill-migrate-"));
  const landings = new Map<Landing, number>();
  let kills = 0;
  try {
    const seeded = path.join(workDir, "install.db");
    await deployUpTo(seeded, TASK_CREATORS);
    install.seedArenaInstall(seeded);
    seedBulkArenaInstall(seeded, options.sessions ?? 800);

    // A clean run: the result every interrupted one must reach, and where arena_sessions sits in time.
    const clean = copy(seeded, workDir, "clean");
    const t0 = Date.now();
    const cleanRun = await migrateDeploy(clean);
    if (cleanRun.exitCode !== 0) throw new Error(`a clean deploy failed:\n${cleanRun.output}`);
    const window = migrationWindow(clean, ARENA_SESSIONS, t0);
    const expected = dumpDatabase(clean);
    const duration = Math.max(50, window.end - window.start);

    for (let attempt = 0; (landings.get("during arena_sessions") ?? 0) < options.count && attempt < options.count * 4; attempt += 1) {
      const file = copy(seeded, workDir, `kill-${attempt}`);
      const child = execa("prisma", ["migrate", "deploy"], { cwd: repoRoot, preferLocal: true, env: { DATABASE_URL: `file:${file}` }, reject: false, all: true });
      // SQLite's rollback journal exists while a write transaction runs: the first one is the
      // migration's row, then arena_sessions' own transaction. Kill at a random point of it.
      const delay = random() * duration;
      const journalSeen = await waitForFile(`${file}-journal`, child);
      if (journalSeen) await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill("SIGKILL");
      const result = await child;
      kills += result.signal === "SIGKILL" ? 1 : 0;
      const landing = landingOf(file);
      landings.set(landing, (landings.get(landing) ?? 0) + 1);

      // The next start.
      const resumed = resumeInterruptedMigrations(file);
      const next = await migrateDeploy(file);
      const label = `kill ${Math.round(delay)} ms into the write (${landing}${resumed.length > 0 ? `, resumed ${resumed.join(", ")}` : ""})`;
      if (next.exitCode !== 0) {
        problems.add(`${label}: the next start's deploy failed: ${next.output.split("\n").slice(-4).join(" | ")}`);
      } else {
        const got = dumpDatabase(file);
        if (JSON.stringify(got) !== JSON.stringify(expected)) problems.add(`${label}: the database differs from a clean run's (${describeDifference(expected, got)})`);
        for (const problem of integrityProblems(file)) problems.add(`${label}: ${problem}`);
      }
      fs.rmSync(file, { force: true });
    }
    const during = landings.get("during arena_sessions") ?? 0;
    if (during < options.count) problems.add(`only ${during} of ${options.count} kills landed inside arena_sessions (it took ${Math.round(duration)} ms in a clean run)`);

    // The gate holds through a kill: an install it refuses stays refused, and unchanged.
    const refused = path.join(workDir, "refused.db");
    await deployUpTo(refused, TASK_CREATORS);
    install.seedArenaInstall(refused);
    install.seedSessionWithTwoOwnWorktrees(refused);
    const before = dumpDatabase(refused);
    const killed = execa("prisma", ["migrate", "deploy"], { cwd: repoRoot, preferLocal: true, env: { DATABASE_URL: `file:${refused}` }, reject: false });
    if (await waitForFile(`${refused}-journal`, killed)) killed.kill("SIGKILL");
    await killed;
    kills += 1;
    resumeInterruptedMigrations(refused);
    const gated = await migrateDeploy(refused);
    if (gated.exitCode === 0) problems.add("the gate let through an install where a session owns two worktrees, after a killed deploy");
    else if (!/session_owns_two_worktrees/.test(gated.output)) problems.add(`the refused deploy does not name its gate: ${gated.output.split("\n").slice(-3).join(" | ")}`);
    const after = dumpDatabase(refused);
    if (JSON.stringify(after.tables) !== JSON.stringify(before.tables)) problems.add(`the refused install's rows changed (${describeDifference(before, after)})`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const summary = [...landings.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
  options.log?.(`kills: ${summary}`);
  return { drill: "web app killed during a migration", requests: kills, faults: kills, problems: problems.list(), notes: summary, ms: Date.now() - started };
}

/** Polls (without opening the database, so nothing is locked) until `file` exists or the process ends. */
async function waitForFile(file: string, child: { exitCode: number | null; signalCode: string | null }): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (fs.existsSync(file)) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

function copy(source: string, dir: string, name: string): string {
  const target = path.join(dir, `${name}.db`);
  fs.copyFileSync(source, target);
  return target;
}

/** When a migration ran in a clean deploy, in ms after the deploy was started. */
function migrationWindow(file: string, name: string, t0: number): { start: number; end: number } {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare<[string], { started_at: string; finished_at: string }>("SELECT started_at, finished_at FROM _prisma_migrations WHERE migration_name = ?").get(name);
    if (!row) throw new Error(`${name} did not run`);
    return { start: Date.parse(row.started_at) - t0, end: Date.parse(row.finished_at) - t0 };
  } finally {
    db.close();
  }
}

function landingOf(file: string): Landing {
  const db = new Database(file, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_prisma_migrations'").get();
    if (!table) return "before arena_sessions";
    const row = db.prepare<[string], { finished_at: string | null }>("SELECT finished_at FROM _prisma_migrations WHERE migration_name = ?").get(ARENA_SESSIONS);
    if (!row) return "before arena_sessions";
    return row.finished_at === null ? "during arena_sessions" : "after arena_sessions";
  } finally {
    db.close();
  }
}

function integrityProblems(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const found: string[] = [];
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") found.push(`integrity_check: ${String(integrity)}`);
    const foreign = db.pragma("foreign_key_check") as unknown[];
    if (foreign.length > 0) found.push(`${foreign.length} rows break a foreign key`);
    return found;
  } finally {
    db.close();
  }
}

function describeDifference(expected: ReturnType<typeof dumpDatabase>, got: ReturnType<typeof dumpDatabase>): string {
  if (JSON.stringify(expected.schema) !== JSON.stringify(got.schema)) return "schema";
  const tables = Object.keys({ ...expected.tables, ...got.tables }).filter((t) => JSON.stringify(expected.tables[t]) !== JSON.stringify(got.tables[t]));
  return `rows of ${tables.join(", ")}`;
}
