import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDb } from "../../server/db";
import * as install from "./arena-install";
import { ARENA_SESSIONS, TASK_CREATORS, deployUpTo, dumpDatabase, migrateDeploy, readMigrationSql, type CliResult } from "./prisma-migrate";

type Row = Record<string, unknown>;

let workDir: string;
/** The chain up to task_creators, with the arena install's rows. */
let arenaInstall: string;
/** arenaInstall after `prisma migrate deploy` applied arena_sessions. */
let migrated: string;
let deployResult: CliResult;

async function copyOf(source: string, name: string): Promise<string> {
  const file = path.join(workDir, `${name}.db`);
  await fs.copyFile(source, file);
  return file;
}

function query(file: string, sql: string, ...params: unknown[]): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<unknown[], Row>(sql).all(...params);
  } finally {
    db.close();
  }
}

const one = (file: string, sql: string, ...params: unknown[]): Row | undefined => query(file, sql, ...params)[0];

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-arena-sessions-"));
  arenaInstall = path.join(workDir, "arena-install.db");
  await deployUpTo(arenaInstall, TASK_CREATORS);
  install.seedArenaInstall(arenaInstall);
  migrated = await copyOf(arenaInstall, "migrated");
  deployResult = await migrateDeploy(migrated);
});

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe("arena_sessions on an install with arena worktrees", () => {
  test("prisma migrate deploy applies it", () => {
    expect(deployResult.exitCode, deployResult.output).toBe(0);
    expect(one(migrated, `SELECT finished_at FROM _prisma_migrations WHERE migration_name = ?`, ARENA_SESSIONS)?.finished_at).not.toBeNull();
  });

  test("every session owns at most one worktree afterwards", () => {
    expect(query(migrated, `SELECT session_id, COUNT(*) AS n FROM worktrees WHERE session_id IS NOT NULL GROUP BY session_id HAVING n > 1`)).toEqual([]);
    expect(one(migrated, `SELECT session_id FROM worktrees WHERE id = 'w_own'`)).toEqual({ session_id: "s_origin" });
    expect(one(migrated, `SELECT session_id FROM worktrees WHERE id = 'w_plain'`)).toEqual({ session_id: "s_plain" });
    expect(one(migrated, `SELECT session_id FROM worktrees WHERE id = 'w_orphan'`)).toEqual({ session_id: null });
  });

  test("each arena worktree becomes an entry session linked to its arena, titled like its tab", () => {
    const entries = query(migrated, `SELECT id, title, created_at, updated_at, arena_id FROM sessions WHERE arena_id IS NOT NULL ORDER BY id`);
    expect(entries).toEqual([
      { id: "aew_e1", title: "Arena 1: mock/mock-1", created_at: "2026-03-01T10:11:00.000+00:00", updated_at: "2026-03-01T10:11:00.000+00:00", arena_id: "arena_0001abcdef" },
      { id: "aew_e2", title: "Arena 2: mock/mock-2", created_at: "2026-03-01T10:12:00.000+00:00", updated_at: "2026-03-01T10:12:00.000+00:00", arena_id: "arena_0001abcdef" },
      // Its tab was closed: linked through its branch name, titled by its branch.
      { id: "aew_e3", title: "boochat/arena-abcdef-3-aider", created_at: "2026-03-01T10:13:00.000+00:00", updated_at: "2026-03-01T10:13:00.000+00:00", arena_id: "arena_0001abcdef" },
    ]);
    for (const id of ["w_e1", "w_e2", "w_e3"]) {
      expect(one(migrated, `SELECT session_id, purpose, removed_at FROM worktrees WHERE id = ?`, id)).toEqual({
        session_id: install.entrySessionOf(id),
        purpose: "arena",
        removed_at: null,
      });
    }
    // The arena still belongs to the session that started it, and its winner is still the same tab.
    expect(one(migrated, `SELECT session_id, winner_chat_id FROM arenas`)).toEqual({ session_id: "s_origin", winner_chat_id: "c_e2" });
  });

  test("the entries' tabs move with their messages, tasks and agent sessions; the origin keeps its own tabs", () => {
    expect(query(migrated, `SELECT id, session_id, position, title, model FROM chats ORDER BY id`)).toEqual([
      { id: "acw_e3", session_id: "aew_e3", position: 0, title: "Tab 1", model: null },
      { id: "c_after", session_id: "s_origin", position: 3, title: "Tab 4", model: null },
      { id: "c_chat_only", session_id: "s_chat_only", position: 0, title: "Tab 1", model: null },
      { id: "c_e1", session_id: "aew_e1", position: 0, title: "Arena 1: mock/mock-1", model: "mock/mock-1" },
      { id: "c_e2", session_id: "aew_e2", position: 0, title: "Arena 2: mock/mock-2", model: "mock/mock-2" },
      { id: "c_main", session_id: "s_origin", position: 0, title: "Tab 1", model: null },
      { id: "c_plain", session_id: "s_plain", position: 0, title: "Tab 1", model: null },
    ]);
    const sorted = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
    expect(sorted(query(migrated, `SELECT * FROM messages`))).toEqual(sorted(install.messages));
    expect(query(migrated, `SELECT id, chat_id, session_id FROM tasks ORDER BY id`)).toEqual([
      { id: "t_e1", chat_id: "c_e1", session_id: "aew_e1" },
      { id: "t_e2", chat_id: "c_e2", session_id: "aew_e2" },
      { id: "t_main", chat_id: "c_main", session_id: "s_origin" },
    ]);
    expect(query(migrated, `SELECT id, chat_id, session_id, worktree_id, external_id FROM agent_sessions ORDER BY id`)).toEqual([
      { id: "as_e1", chat_id: "c_e1", session_id: "aew_e1", worktree_id: "w_e1", external_id: "ses_e1" },
      { id: "as_e2", chat_id: "c_e2", session_id: "aew_e2", worktree_id: "w_e2", external_id: "ses_e2" },
      { id: "as_main", chat_id: "c_main", session_id: "s_origin", worktree_id: "w_own", external_id: "ses_main" },
    ]);
  });

  test("a removed worktree row of a session that owns another is detached, kept as history", () => {
    expect(one(migrated, `SELECT session_id, removed_at FROM worktrees WHERE id = 'w_undone'`)).toEqual({
      session_id: null,
      removed_at: "2026-03-01T10:06:00.000+00:00",
    });
    expect(query(migrated, `SELECT COUNT(*) AS n FROM worktrees`)).toEqual([{ n: install.worktrees.length }]);
  });

  test("leaves no scratch table behind", () => {
    expect(query(migrated, `SELECT name FROM sqlite_master WHERE name LIKE '\\_arena\\_sessions%' ESCAPE '\\'`)).toEqual([]);
  });

  test("a second apply changes nothing", async () => {
    // From the database as arena_sessions left it: later migrations add to the tables it rebuilds.
    const file = await copyOf(arenaInstall, "rerun");
    await deployUpTo(file, ARENA_SESSIONS);
    const before = dumpDatabase(file);
    const sql = await readMigrationSql(ARENA_SESSIONS);
    const db = new Database(file);
    try {
      db.exec(sql);
      db.exec(sql);
    } finally {
      db.close();
    }
    expect(dumpDatabase(file)).toEqual(before);
  });

  test("the database refuses a second worktree for a session", async () => {
    const file = await copyOf(migrated, "unique");
    const db = createDb(`file:${file}`);
    try {
      await expect(
        db.worktree.create({ data: { sessionId: "s_plain", repoPath: "/home/me/repo", path: "/srv/worktrees/second", branch: "boochat/second" } }),
      ).rejects.toThrow(/Unique constraint failed.*session_id|UNIQUE constraint failed: worktrees\.session_id/);
      await expect(
        db.$executeRawUnsafe(`INSERT INTO worktrees (id, session_id, repo_path, path) VALUES ('w_raw', 's_origin', '', '/srv/worktrees/raw')`),
      ).rejects.toThrow(/UNIQUE constraint failed: worktrees\.session_id/);
      // Orphans are many: NULL is not a session.
      await db.worktree.create({ data: { sessionId: null, repoPath: "", path: "/srv/worktrees/orphan-2" } });
      expect(await db.worktree.count({ where: { sessionId: null } })).toBe(3);
    } finally {
      await db.$disconnect();
    }
  });

  test("deleting the origin session leaves its entry sessions and their worktrees alone in the database (the gate deletes them)", async () => {
    const file = await copyOf(migrated, "cascade");
    const db = createDb(`file:${file}`);
    try {
      await db.session.delete({ where: { id: "s_origin" } });
      expect(await db.arena.count()).toBe(0);
      // The arena is gone, so the entries are ordinary sessions now; nothing of theirs was lost.
      expect(await db.session.findMany({ where: { id: { in: ["aew_e1", "aew_e2", "aew_e3"] } }, select: { id: true, arenaId: true } })).toEqual([
        { id: "aew_e1", arenaId: null },
        { id: "aew_e2", arenaId: null },
        { id: "aew_e3", arenaId: null },
      ]);
      expect(await db.chat.count({ where: { id: { in: ["c_e1", "c_e2"] } } })).toBe(2);
    } finally {
      await db.$disconnect();
    }
  });
});

describe("arena_sessions gate", () => {
  test("refuses a session that owns two worktrees of its own: deploy fails naming the problem and changes nothing", async () => {
    const file = await copyOf(arenaInstall, "two-own");
    install.seedSessionWithTwoOwnWorktrees(file);
    const before = dumpDatabase(file);

    const refused = await migrateDeploy(file);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain("session_owns_two_worktrees");
    expect(refused.output).toContain("cannot tell which one is its own");
    expect(dumpDatabase(file)).toEqual(before);
    expect(query(file, `SELECT finished_at, applied_steps_count FROM _prisma_migrations WHERE migration_name = ?`, ARENA_SESSIONS)).toEqual([
      { finished_at: null, applied_steps_count: 0 },
    ]);

    // The way out the message gives: make the extra one an orphan, drop the failed row, deploy again.
    const db = new Database(file);
    try {
      db.exec(`UPDATE worktrees SET session_id = NULL WHERE id = 'w_plain_2'`);
      db.prepare(`DELETE FROM _prisma_migrations WHERE migration_name = ? AND finished_at IS NULL`).run(ARENA_SESSIONS);
    } finally {
      db.close();
    }
    const retried = await migrateDeploy(file);
    expect(retried.exitCode, retried.output).toBe(0);
    expect(query(file, `SELECT session_id, COUNT(*) AS n FROM worktrees WHERE session_id IS NOT NULL GROUP BY session_id HAVING n > 1`)).toEqual([]);
  });
});
