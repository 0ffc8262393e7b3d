import fs from "node:fs";
import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/boochat.db";

/** The SQLite URL from DATABASE_URL (default ./data/boochat.db), its folder created if missing. */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL && env.DATABASE_URL.trim() !== "" ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
  const file = sqliteFilePath(url);
  // 0700: by default this is the data folder (docs/SECURITY.md).
  if (file) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return url;
}

/** The file a `file:` URL points to, resolved against the working directory; null for other URLs. */
export function sqliteFilePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const rest = url.slice("file:".length).split("?")[0] ?? "";
  if (rest === "" || rest === ":memory:") return null;
  return path.resolve(/*turbopackIgnore: true*/ rest);
}
