import fs from "node:fs";
import path from "node:path";
import { readSettings, type Env } from "./settings/settings";

/** The SQLite URL from DATABASE_URL (server/settings/settings.ts), its folder created if missing. */
export function databaseUrl(env: Env = process.env): string {
  const url = readSettings(env).databaseUrl;
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
