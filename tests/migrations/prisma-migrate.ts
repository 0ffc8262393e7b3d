import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { execa } from "execa";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const migrationsDir = path.join(repoRoot, "prisma", "migrations");
export const INIT = "20260101000000_init";
export const CHAT_CONTEXT = "20260102000000_chat_context";
export const CHAT_CREATOR_KEY = "20260103000000_chat_creator_key";
export const TASK_CREATORS = "20260104000000_task_creators";
export const ARENA_SESSIONS = "20260105000000_arena_sessions";
export const REVIEW_COMMENTS = "20260106000000_review_comments";
export const SESSION_PAGING = "20260107000000_session_paging";
export const ARENA_RESULTS = "20260108000000_arena_results";
/** Every migration of the chain, in order. */
export const CHAIN = [INIT, CHAT_CONTEXT, CHAT_CREATOR_KEY, TASK_CREATORS, ARENA_SESSIONS, REVIEW_COMMENTS, SESSION_PAGING, ARENA_RESULTS] as const;

export function readMigrationSql(name: string): Promise<string> {
  return fs.readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
}

export type CliResult = { exitCode: number; output: string };

/** `prisma migrate deploy` (the real CLI) on the SQLite file, with the repo's config unless another is given. */
export async function migrateDeploy(file: string, config?: string): Promise<CliResult> {
  const result = await execa("prisma", ["migrate", "deploy", ...(config ? ["--config", config] : [])], {
    cwd: repoRoot,
    preferLocal: true,
    env: { DATABASE_URL: `file:${file}` },
    all: true,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? "" };
}

/**
 * Applies the chain up to and including `last` through `prisma migrate deploy`, the way an older
 * install got it: a temp migrations folder holding only those migrations, and a temp prisma.config
 * pointing at it (same JS engine and adapter as the repo's; `prisma migrate resolve` does not work
 * with that engine). The `_prisma_migrations` rows it writes carry the real checksums, so a later
 * deploy with the repo's folder applies only the migrations after `last`.
 */
export async function deployUpTo(file: string, last: (typeof CHAIN)[number]): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-partial-chain-"));
  try {
    const migrations = path.join(dir, "migrations");
    await fs.mkdir(migrations);
    await fs.copyFile(path.join(migrationsDir, "migration_lock.toml"), path.join(migrations, "migration_lock.toml"));
    for (const name of CHAIN.slice(0, CHAIN.indexOf(last) + 1)) {
      await fs.cp(path.join(migrationsDir, name), path.join(migrations, name), { recursive: true });
    }

    // The config lives outside the repo, so it imports the repo's packages by absolute file URL.
    const require = createRequire(import.meta.url);
    const configModule = pathToFileURL(require.resolve("prisma/config")).href;
    const adapterModule = pathToFileURL(require.resolve("@prisma/adapter-better-sqlite3")).href;
    const config = path.join(dir, "prisma.config.mjs");
    await fs.writeFile(
      config,
      [
        `import { defineConfig } from ${JSON.stringify(configModule)};`,
        `import adapterPackage from ${JSON.stringify(adapterModule)};`,
        `export default defineConfig({`,
        `  experimental: { adapter: true },`,
        `  engine: "js",`,
        `  schema: ${JSON.stringify(path.join(repoRoot, "prisma", "schema.prisma"))},`,
        `  migrations: { path: ${JSON.stringify(migrations)} },`,
        `  adapter: async () => new adapterPackage.PrismaBetterSQLite3({ url: process.env.DATABASE_URL }),`,
        `});`,
        ``,
      ].join("\n"),
    );
    const result = await migrateDeploy(file, config);
    if (result.exitCode !== 0) throw new Error(`prisma migrate deploy (up to ${last}) failed:\n${result.output}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** `init` alone: the schema of the oldest installs. */
export function deployInitOnly(file: string): Promise<void> {
  return deployUpTo(file, INIT);
}

/** `prisma migrate diff --from-empty` to prisma/schema.prisma: the SQL of the final data model. */
export async function finalSchemaSql(): Promise<string> {
  const result = await execa(
    "prisma",
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", path.join("prisma", "schema.prisma"), "--script"],
    { cwd: repoRoot, preferLocal: true, env: { DATABASE_URL: "file::memory:" } },
  );
  return result.stdout;
}

export type SchemaObject = { type: string; name: string; tbl_name: string; sql: string | null };

/** Tables and indexes with their stored CREATE statements, Prisma's own bookkeeping table left out. */
export function schemaObjects(db: Database.Database): SchemaObject[] {
  return db
    .prepare<[], SchemaObject>(
      `SELECT type, name, tbl_name, sql FROM sqlite_master
       WHERE tbl_name <> '_prisma_migrations' ORDER BY type, name`,
    )
    .all()
    .map((object) => ({ ...object, sql: normalizeSql(object.sql) }));
}

/** DDL with its layout taken out (an `ALTER TABLE ADD COLUMN` writes the same column on one line). */
function normalizeSql(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, " ").replace(/\(\s/g, "(").replace(/\s\)/g, ")").trim();
}

export type Dump = { schema: SchemaObject[]; tables: Record<string, string[]> };

/**
 * Every table's rows (as JSON, sorted, so rowid order does not matter but values and their types do)
 * and the schema. `_prisma_migrations` is left out: deploy writes its own rows there.
 */
export function dumpDatabase(file: string): Dump {
  const db = new Database(file, { readonly: true });
  try {
    const schema = schemaObjects(db);
    const tables: Record<string, string[]> = {};
    for (const { name } of schema.filter((o) => o.type === "table" && !o.name.startsWith("sqlite_"))) {
      tables[name] = db
        .prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}"`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort();
    }
    return { schema, tables };
  } finally {
    db.close();
  }
}
