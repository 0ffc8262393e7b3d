import { readSettings, type Env } from "./settings/settings";

/**
 * The data folder (BOOCHAT_DATA_DIR, default ./data), absolute. Kept for the access checks
 * (server/security/access-settings.ts) until they read server/settings/settings.ts themselves.
 */
export function dataDirFrom(env: Env = process.env): string {
  return readSettings(env).dataDir;
}
