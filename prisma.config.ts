import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./server/database-url";

// Offline recipe (docs/ARCHITECTURE.md): the JS schema engine with a better-sqlite3 adapter,
// so neither `prisma generate` nor `prisma migrate deploy` downloads an engine binary.
process.env.DATABASE_URL = databaseUrl();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => new PrismaBetterSQLite3({ url: databaseUrl() }),
});
