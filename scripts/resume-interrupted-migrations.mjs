// Before `prisma migrate deploy` (npm start): a migration that did not finish last time, because its
// process was killed half-way (power cut, OOM, Ctrl-C twice) or because a gate refused the data,
// leaves its `_prisma_migrations` row started but neither finished nor rolled back, and Prisma then
// refuses every later deploy (P3009, without saying why) until the row is deleted by hand:
// `prisma migrate resolve` does not work with the JS engine. BooChat's migrations are written to be
// run again (docs/ARCHITECTURE.md, "Migration chain"): a gate refuses before the first change, the
// rebuilding ones run in one transaction SQLite rolls back, the additive ones are IF NOT EXISTS, and
// the others fail at their first statement when it already ran. So such a row is deleted and deploy
// runs the migration again: an interrupted one finishes, a refused one refuses again with its reason.
// Imported by start.mjs only after the dependencies are installed (it needs better-sqlite3).
import fs from "node:fs";
import Database from "better-sqlite3";

/** Deletes the rows of unfinished migrations in the SQLite file; returns their names (none when there is no such file or table). */
export function resumeInterruptedMigrations(file) {
  if (!file || !fs.existsSync(file)) return [];
  const db = new Database(file, { timeout: 10_000 });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return [];
    const unfinished = db.prepare("SELECT id, migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at").all();
    const remove = db.prepare("DELETE FROM _prisma_migrations WHERE id = ?");
    db.transaction(() => unfinished.forEach((row) => remove.run(row.id)))();
    return unfinished.map((row) => row.migration_name);
  } finally {
    db.close();
  }
}
