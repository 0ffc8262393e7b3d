import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDb, type TestDb } from "../helpers/test-db";
import { CHAIN } from "./prisma-migrate";

let testDb: TestDb;

beforeAll(async () => {
  testDb = await createTestDb();
});

afterAll(async () => {
  await testDb.cleanup();
});

test("createTestDb gives a database with every migration applied and no rows", async () => {
  const raw = new Database(testDb.file, { readonly: true });
  try {
    const migrations = raw
      .prepare<[], { migration_name: string }>(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`)
      .all();
    expect(migrations.map((m) => m.migration_name)).toEqual([...CHAIN]);
  } finally {
    raw.close();
  }
  const { db } = testDb;
  expect(await db.session.count()).toBe(0);
  expect(await db.chat.count()).toBe(0);
  expect(await db.worktree.count()).toBe(0);
  expect(await db.agentSession.count()).toBe(0);
  expect(await db.task.count()).toBe(0);
  expect(await db.sessionWorktreeLegacy.count()).toBe(0);
  expect(testDb.url).toBe(`file:${testDb.file}`);
});

test("createTestDb gives each caller its own database file", async () => {
  const other = await createTestDb();
  try {
    await other.db.session.create({ data: { title: "only in the other database" } });
    expect(other.file).not.toBe(testDb.file);
    expect(await testDb.db.session.count()).toBe(0);
  } finally {
    await other.cleanup();
  }
});
