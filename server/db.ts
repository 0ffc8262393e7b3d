import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { databaseUrl } from "./database-url";

export type Db = PrismaClient;

/** A Prisma client on the SQLite database at `url` through the better-sqlite3 adapter. */
export function createDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

const globalForDb = globalThis as unknown as { boochatDb?: Db };

/**
 * The app's one db client (kept across Next.js hot reloads). Tests build their own with createDb.
 * WAL lets readers go on while a write commits (the agent runtime writes streamed parts often).
 */
export function getDb(): Db {
  if (!globalForDb.boochatDb) {
    const db = createDb();
    db.$queryRawUnsafe("PRAGMA journal_mode = WAL").catch((error: unknown) => console.error("[db] could not switch to WAL:", error));
    globalForDb.boochatDb = db;
  }
  return globalForDb.boochatDb;
}
