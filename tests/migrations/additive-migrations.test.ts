import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDb } from "../../server/db";
import { ARENA_RESULTS, REVIEW_COMMENTS, SESSION_PAGING, deployUpTo, dumpDatabase, readMigrationSql } from "./prisma-migrate";

// The migrations after arena_sessions only add (a table, an index): applying them again is a no-op,
// and what they add behaves as the schema says.
let workDir: string;
let migrated: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-additive-migrations-"));
  migrated = path.join(workDir, "migrated.db");
  await deployUpTo(migrated, ARENA_RESULTS);
  const db = new Database(migrated);
  try {
    db.exec(`INSERT INTO sessions (id, title) VALUES ('s1', 'Reviewed'), ('s2', 'Other')`);
    db.exec(`INSERT INTO arena_entry_results (session_id, files_changed, additions, deletions) VALUES ('s2', 3, 10, 2)`);
    db.exec(`INSERT INTO review_comments (id, session_id, path, line, side, body) VALUES ('c1', 's1', 'a.ts', 3, 'new', 'why?'), ('c2', 's2', 'b.ts', 1, 'old', 'keep')`);
  } finally {
    db.close();
  }
});
afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe("review_comments, session_paging and arena_results", () => {
  test("applying them again changes nothing", async () => {
    const before = dumpDatabase(migrated);
    const db = new Database(migrated);
    try {
      for (const name of [REVIEW_COMMENTS, SESSION_PAGING, ARENA_RESULTS]) db.exec(await readMigrationSql(name));
    } finally {
      db.close();
    }
    expect(dumpDatabase(migrated)).toEqual(before);
  });

  test("deleting a session deletes its comments and no one else's; the sidebar's page query uses the index", async () => {
    const file = path.join(workDir, "cascade.db");
    await fs.copyFile(migrated, file);
    const db = createDb(`file:${file}`);
    try {
      await db.session.delete({ where: { id: "s1" } });
      expect((await db.reviewComment.findMany()).map((c) => c.id)).toEqual(["c2"]);
    } finally {
      await db.$disconnect();
    }
    const raw = new Database(file, { readonly: true });
    try {
      const plan = raw.prepare(`EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE arena_id IS NULL ORDER BY created_at DESC, id DESC LIMIT 51`).all() as Array<{ detail: string }>;
      const detail = plan.map((p) => p.detail).join(" | ");
      expect(detail).toContain("sessions_arena_id_created_at_id_idx");
      expect(detail).not.toContain("TEMP B-TREE");
    } finally {
      raw.close();
    }
  });
});
