import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDb } from "../../server/db";
import * as legacy from "./legacy-install";
import {
  CHAIN,
  CHAT_CONTEXT,
  deployInitOnly,
  dumpDatabase,
  finalSchemaSql,
  migrateDeploy,
  readMigrationSql,
  schemaObjects,
  type CliResult,
} from "./prisma-migrate";

type Row = Record<string, unknown>;

let workDir: string;
/** `init` applied through the CLI, no rows. */
let initOnly: string;
/** initOnly with the rows of an older install. */
let legacyInstall: string;
/** legacyInstall after `prisma migrate deploy` applied chat_context. */
let migrated: string;
let deployResult: CliResult;
let chatContextSql: string;

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

function byId(rows: Row[], key = "id"): Map<unknown, Row> {
  return new Map(rows.map((row) => [row[key], row]));
}

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-migration-chain-"));
  chatContextSql = await readMigrationSql(CHAT_CONTEXT);
  initOnly = path.join(workDir, "init-only.db");
  await deployInitOnly(initOnly);
  legacyInstall = await copyOf(initOnly, "legacy-install");
  legacy.seedLegacyInstall(legacyInstall);
  migrated = await copyOf(legacyInstall, "migrated");
  deployResult = await migrateDeploy(migrated);
});

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

/** The chat chat_context created for a session that had none: the only chat of that session. */
function newChatOf(file: string, sessionId: string): Row {
  const rows = query(file, `SELECT * FROM chats WHERE session_id = ?`, sessionId);
  expect(rows, `chats of ${sessionId}`).toHaveLength(1);
  const [chat] = rows;
  if (!chat) throw new Error(`no chat for ${sessionId}`);
  return chat;
}

function resolveChat(file: string, ref: string | null | undefined): unknown {
  if (ref === undefined) throw new Error("the fixture names no expected chat for this row");
  if (ref === null) return null;
  return ref.startsWith("new:") ? newChatOf(file, ref.slice("new:".length)).id : ref;
}

function expectAgentSessionsRekeyed(file: string): void {
  const rows = byId(query(file, `SELECT * FROM agent_sessions`));
  const worktreeIdByPath = new Map(query(file, `SELECT id, path FROM worktrees`).map((w) => [w.path, w.id]));
  expect(rows.size).toBe(legacy.agentSessions.length);
  for (const old of legacy.agentSessions) {
    const worktreePath = legacy.expected.agentSessionWorktree[old.id];
    expect(worktreePath, `expected worktree of ${old.id}`).not.toBeUndefined();
    // Same id, agent, external_id, config_hash, session_id and timestamps; chat_id and worktree_id added.
    expect(rows.get(old.id), old.id).toEqual({
      ...old,
      chat_id: resolveChat(file, legacy.expected.agentSessionChat[old.id]),
      worktree_id: worktreePath ? worktreeIdByPath.get(worktreePath) : null,
    });
  }
}

function expectNewChats(file: string): void {
  const sessions = byId(legacy.sessions);
  for (const [sessionId, agent] of Object.entries(legacy.expected.newChats)) {
    expect(newChatOf(file, sessionId)).toMatchObject({
      title: "Chat",
      agent,
      position: 0,
      created_at: sessions.get(sessionId)?.created_at,
    });
  }
  expect(query(file, `SELECT * FROM chats WHERE session_id = 's_idle'`)).toEqual([]);
  const oldChatIds = new Set(legacy.chats.map((c) => c.id));
  const chats = query(file, `SELECT * FROM chats`);
  expect(chats.filter((c) => oldChatIds.has(c.id as string))).toEqual(
    expect.arrayContaining(legacy.chats.map((c) => expect.objectContaining(c))),
  );
  expect(chats).toHaveLength(legacy.chats.length + Object.keys(legacy.expected.newChats).length);
}

function expectTasksBackfilled(file: string): void {
  const rows = byId(query(file, `SELECT * FROM tasks`));
  expect(rows.size).toBe(legacy.tasks.length);
  for (const old of legacy.tasks) {
    expect(rows.get(old.id), old.id).toEqual({ ...old, chat_id: resolveChat(file, legacy.expected.taskChat[old.id]) });
  }
}

function expectWorktreesCopied(file: string): void {
  const rows = byId(query(file, `SELECT * FROM worktrees`), "path");
  expect(rows.size).toBe(legacy.sessionWorktrees.length);
  for (const old of legacy.sessionWorktrees) {
    expect(rows.get(old.worktree_path), old.worktree_path).toEqual({
      id: expect.any(String),
      session_id: legacy.expected.worktreeSession[old.worktree_path],
      repo_path: "",
      path: old.worktree_path,
      branch: null,
      base_ref: null,
      host: null,
      created_at: old.created_at,
      removed_at: null,
      // task_creators (when applied) marks every existing worktree as its session's own
      ...(rows.get(old.worktree_path) && "purpose" in (rows.get(old.worktree_path) as Row) ? { purpose: "session" } : {}),
    });
  }
}

function expectUntouchedTables(file: string): void {
  const sorted = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  expect(sorted(query(file, `SELECT * FROM session_worktrees`))).toEqual(sorted(legacy.sessionWorktrees));
  // arena_sessions (when applied) links a session to the arena it is an entry of: none here.
  const hasArenaId = query(file, `SELECT name FROM pragma_table_info('sessions') WHERE name = 'arena_id'`).length > 0;
  expect(sorted(query(file, `SELECT * FROM sessions`))).toEqual(sorted(legacy.sessions.map((s) => (hasArenaId ? { ...s, arena_id: null } : s))));
  expect(sorted(query(file, `SELECT * FROM messages`))).toEqual(sorted(legacy.messages));
  expect(query(file, `SELECT name FROM sqlite_master WHERE name LIKE '\\_chat\\_context%' ESCAPE '\\'`)).toEqual([]);
}

function expectFullBackfill(file: string): void {
  expectAgentSessionsRekeyed(file);
  expectNewChats(file);
  expectTasksBackfilled(file);
  expectWorktreesCopied(file);
  expectUntouchedTables(file);
}

/** Makes every INSERT into chats a no-op on this connection, so sessions without chats get none. */
const SKIP_NEW_CHATS = `CREATE TEMP TRIGGER skip_new_chats BEFORE INSERT ON main.chats BEGIN SELECT RAISE(IGNORE); END;`;

describe("chat_context on an install that has only init", () => {
  test("prisma migrate deploy applies chat_context on top of init", () => {
    expect(deployResult.exitCode, deployResult.output).toBe(0);
    const applied = query(migrated, `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`);
    expect(applied.map((m) => m.migration_name)).toEqual([...CHAIN]);
    expect(applied.every((m) => m.finished_at !== null)).toBe(true);
  });

  test("re-keys every agent session to its session's first chat (lowest position, then created_at, then id) with its worktree, config_hash unchanged", () => {
    expectAgentSessionsRekeyed(migrated);
  });

  test("creates a chat for each session that has agent sessions or tasks but no chat, and for no other", () => {
    expectNewChats(migrated);
  });

  test("backfills tasks.chat_id the same way, NULL for a task whose session is gone or that never had one", () => {
    expectTasksBackfilled(migrated);
  });

  test("copies every session_worktrees row into worktrees (repo_path '' = not recorded; a session's extra or a deleted session's worktree kept with session_id NULL)", () => {
    expectWorktreesCopied(migrated);
  });

  test("leaves session_worktrees rows, sessions and messages as they were, and drops its scratch tables", () => {
    expectUntouchedTables(migrated);
  });

  test("ends in exactly the schema of prisma/schema.prisma (tables, columns, defaults, foreign keys, index names)", async () => {
    const expectedDb = new Database(":memory:");
    const actualDb = new Database(migrated, { readonly: true });
    try {
      expectedDb.exec(await finalSchemaSql());
      expect(schemaObjects(actualDb)).toEqual(schemaObjects(expectedDb));
    } finally {
      expectedDb.close();
      actualDb.close();
    }
  });
});

describe("chat_context is idempotent", () => {
  // The reruns start from the database as chat_context left it (later migrations change its tables).
  async function afterChatContext(name: string): Promise<string> {
    const file = await copyOf(legacyInstall, name);
    const db = new Database(file);
    try {
      db.exec(chatContextSql);
    } finally {
      db.close();
    }
    return file;
  }

  test("running the chat_context SQL again on a migrated database is no error and no change", async () => {
    const file = await afterChatContext("rerun");
    const before = dumpDatabase(file);
    const db = new Database(file);
    try {
      db.exec(chatContextSql);
      db.exec(chatContextSql);
    } finally {
      db.close();
    }
    expect(dumpDatabase(file)).toEqual(before);
  });

  test("running it again keeps a closed tab's tasks at chat_id NULL and creates no chat for their session", async () => {
    const file = await afterChatContext("rerun-closed-tabs");
    const db = new Database(file);
    try {
      // After the migration, the user closes every tab of s_nochat.
      db.prepare(`DELETE FROM chats WHERE session_id = 's_nochat'`).run();
      const before = dumpDatabase(file);
      db.exec(chatContextSql);
      expect(dumpDatabase(file)).toEqual(before);
    } finally {
      db.close();
    }
    expect(query(file, `SELECT chat_id FROM tasks WHERE id = 't_nochat'`)).toEqual([{ chat_id: null }]);
  });

  test("a run stopped half-way (here: by the gate after the copy, without the transaction) finishes when the SQL runs again", async () => {
    const file = await copyOf(legacyInstall, "half-applied");
    const db = new Database(file);
    try {
      db.exec(SKIP_NEW_CHATS);
      const withoutTransaction = chatContextSql.replace(/^BEGIN;$/m, "").replace(/^COMMIT;$/m, "");
      expect(() => db.exec(withoutTransaction)).toThrow(/agent_sessions_without_chat/);
      // Half-applied: worktrees exists and is filled, the scratch copies are there, agent_sessions is still the old one.
      expect(db.prepare(`SELECT COUNT(*) AS n FROM worktrees`).get()).toEqual({ n: legacy.sessionWorktrees.length });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE '\\_chat\\_context%' ESCAPE '\\'`).get()).toEqual({ n: 3 });
      expect(db.prepare(`SELECT name FROM pragma_table_info('agent_sessions') WHERE name = 'chat_id'`).all()).toEqual([]);

      db.exec(`DROP TRIGGER temp.skip_new_chats`);
      db.exec(chatContextSql);
    } finally {
      db.close();
    }
    expectFullBackfill(file);
  });
});

describe("chat_context gates", () => {
  test("the gate after the copy rolls back every change when an agent session is left without a chat", async () => {
    const file = await copyOf(legacyInstall, "gate-after-copy");
    const before = dumpDatabase(file);
    const db = new Database(file);
    try {
      db.exec(SKIP_NEW_CHATS);
      expect(() => db.exec(chatContextSql)).toThrow(/agent_sessions_without_chat/);
      expect(db.inTransaction).toBe(false);
    } finally {
      db.close();
    }
    expect(dumpDatabase(file)).toEqual(before);
  });

  test("refuses a database with an agent session whose session is gone: deploy fails naming the problem and changes nothing", async () => {
    const file = await copyOf(legacyInstall, "orphan-agent-session");
    legacy.seedOrphanAgentSession(file);
    const before = dumpDatabase(file);

    const refused = await migrateDeploy(file);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain("agent_sessions_without_session");
    expect(refused.output).toContain("no longer exists");
    // dumpDatabase leaves out _prisma_migrations: deploy writes a row there for the failed
    // migration (finished_at NULL, applied_steps_count 0, the error in logs).
    expect(dumpDatabase(file)).toEqual(before);
    expect(query(file, `SELECT finished_at, applied_steps_count FROM _prisma_migrations WHERE migration_name = ?`, CHAT_CONTEXT)).toEqual([
      { finished_at: null, applied_steps_count: 0 },
    ]);

    // The way out the error message gives: delete the orphan rows and the failed row, deploy again.
    const db = new Database(file);
    try {
      db.exec(`DELETE FROM agent_sessions WHERE session_id NOT IN (SELECT id FROM sessions)`);
      db.prepare(`DELETE FROM _prisma_migrations WHERE migration_name = ? AND finished_at IS NULL`).run(CHAT_CONTEXT);
    } finally {
      db.close();
    }
    const retried = await migrateDeploy(file);
    expect(retried.exitCode, retried.output).toBe(0);
    expectFullBackfill(file);
  });
});

describe("deletes on the migrated database", () => {
  test("deleting a session leaves no chats, messages or agent sessions of it; its worktree stays with session_id NULL; session_worktrees untouched", async () => {
    const file = await copyOf(migrated, "delete-session");
    const before = dumpDatabase(file);
    const db = createDb(`file:${file}`);
    try {
      await db.session.delete({ where: { id: "s_chats" } });
    } finally {
      await db.$disconnect();
    }
    const sessionChats = ["c_first", "c_second", "c_pos1"];
    expect(query(file, `SELECT id FROM chats WHERE session_id = 's_chats' OR id IN ('c_first', 'c_second', 'c_pos1')`)).toEqual([]);
    expect(query(file, `SELECT id FROM messages WHERE chat_id IN (${sessionChats.map(() => "?").join(", ")})`, ...sessionChats)).toEqual([]);
    expect(query(file, `SELECT id FROM agent_sessions WHERE session_id = 's_chats' OR id IN ('as_chats_oc', 'as_chats_ext')`)).toEqual([]);
    expect(query(file, `SELECT session_id FROM worktrees WHERE path = '/tmp/booworktrees/s_chats'`)).toEqual([{ session_id: null }]);

    const after = dumpDatabase(file);
    expect(after.tables.session_worktrees).toEqual(before.tables.session_worktrees);
    // Tasks are history: they stay, without their chat.
    expect(query(file, `SELECT id, chat_id FROM tasks WHERE session_id = 's_chats' ORDER BY id`)).toEqual([
      { id: "t_chats_1", chat_id: null },
      { id: "t_chats_2", chat_id: null },
    ]);
    // Other sessions' rows are all still there.
    expect(after.tables.agent_sessions).toHaveLength(legacy.agentSessions.length - 2);
    expect(after.tables.chats).toHaveLength((before.tables.chats?.length ?? 0) - sessionChats.length);
    expect(after.tables.worktrees).toHaveLength(legacy.sessionWorktrees.length);
  });

  test("closing a chat removes its agent sessions (and its messages), keeps its tasks with chat_id NULL and leaves other chats' rows alone", async () => {
    const file = await copyOf(migrated, "close-chat");
    const before = dumpDatabase(file);
    const db = createDb(`file:${file}`);
    try {
      await db.chat.delete({ where: { id: "c_first" } });
    } finally {
      await db.$disconnect();
    }
    const after = dumpDatabase(file);
    const without = (rows: string[] | undefined, drop: (row: Row) => boolean) =>
      (rows ?? []).filter((json) => !drop(JSON.parse(json) as Row));

    expect(after.tables.agent_sessions).toEqual(without(before.tables.agent_sessions, (r) => r.chat_id === "c_first"));
    expect(after.tables.chats).toEqual(without(before.tables.chats, (r) => r.id === "c_first"));
    expect(after.tables.messages).toEqual(without(before.tables.messages, (r) => r.chat_id === "c_first"));
    expect(query(file, `SELECT id, chat_id FROM tasks WHERE id IN ('t_chats_1', 't_chats_2') ORDER BY id`)).toEqual([
      { id: "t_chats_1", chat_id: null },
      { id: "t_chats_2", chat_id: null },
    ]);
    expect(without(after.tables.tasks, (r) => r.session_id === "s_chats")).toEqual(
      without(before.tables.tasks, (r) => r.session_id === "s_chats"),
    );
    for (const table of ["sessions", "worktrees", "session_worktrees"]) {
      expect(after.tables[table], table).toEqual(before.tables[table]);
    }
  });
});
