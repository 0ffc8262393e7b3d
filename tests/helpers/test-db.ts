import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createDb, type Db } from "../../server/db";

export type TestDb = {
  db: Db;
  /** `file:<file>`, for code that takes a DATABASE_URL. */
  url: string;
  file: string;
  /** Disconnects the client and deletes the database file. */
  cleanup: () => Promise<void>;
};

/**
 * A fresh, migrated, empty SQLite database: a copy of the template that the vitest global setup
 * migrated once with `prisma migrate deploy`.
 */
export async function createTestDb(): Promise<TestDb> {
  const template = inject("templateDatabaseFile");
  if (!template) {
    throw new Error("No template database: run the tests through vitest.config.ts (globalSetup tests/helpers/global-setup.ts).");
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-test-db-"));
  const file = path.join(dir, "test.db");
  await fs.copyFile(template, file);
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    db,
    url,
    file,
    cleanup: async () => {
      await db.$disconnect();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
