import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import { databaseUrl } from "./database-url";

export type Db = PrismaClient;

/** A Prisma client on the SQLite database at `url` through the better-sqlite3 adapter. */
export function createDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

/**
 * How the app's database runs: WAL lets readers go on while a write commits (the agent runtime
 * writes streamed parts often), and `synchronous = NORMAL`, safe with WAL, spares each commit its
 * fsync: a commit BooChat has made survives BooChat being killed, and only a power cut may lose the
 * last few (never corrupting the file). Each commit blocks the process (better-sqlite3), and with a
 * full sync the task row of a message cost 10–50 ms of its first token (`npm run bench -- message`).
 */
export async function tuneDb(db: Db): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  // Per connection: the adapter keeps one.
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
}

const globalForDb = globalThis as unknown as { boochatDb?: Db };

/** The app's one db client (kept across Next.js hot reloads). Tests build their own with createDb. */
export function getDb(): Db {
  if (!globalForDb.boochatDb) {
    const db = createDb();
    tuneDb(db).catch((error: unknown) => console.error("[db] could not switch to WAL and synchronous=NORMAL:", error));
    globalForDb.boochatDb = db;
  }
  return globalForDb.boochatDb;
}
