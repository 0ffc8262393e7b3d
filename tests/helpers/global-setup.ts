import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A SQLite file with every migration applied and no rows: copy it, never open it (createTestDb). */
    templateDatabaseFile: string;
  }
}

const repoRoot = path.resolve(import.meta.dirname, "..", "..");

/**
 * Once per vitest run: applies prisma/migrations with the real CLI (`prisma migrate deploy`) to a
 * template database in a temp folder, so each test file gets a migrated database by a file copy.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-template-db-"));
  const file = path.join(dir, "template.db");
  const result = await execa("prisma", ["migrate", "deploy"], {
    cwd: repoRoot,
    preferLocal: true,
    env: { DATABASE_URL: `file:${file}` },
    all: true,
    reject: false,
  });
  if (result.exitCode !== 0) {
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`prisma migrate deploy failed on the test template database:\n${result.all}`);
  }
  project.provide("templateDatabaseFile", file);
  return async () => {
    await fs.rm(dir, { recursive: true, force: true });
  };
}
