import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { databaseUrl } from "./database-url";

export const DEFAULT_SIDECAR_PORT = 4319;

export type ServerSettings = {
  databaseUrl: string;
  dataDir: string;
  sidecarUrl: string;
  sidecarToken: string;
  /** How long the delete gate waits for a risk check before calling it unverified. */
  riskTimeoutMs: number;
};

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** The sidecar token: BOOCHAT_SIDECAR_TOKEN, else the one `npm start` wrote into the data folder. */
export function readSidecarToken(env: NodeJS.ProcessEnv, dataDir: string): string {
  const fromEnv = env.BOOCHAT_SIDECAR_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  try {
    return fs.readFileSync(path.join(dataDir, "sidecar-token"), "utf8").trim();
  } catch {
    return "";
  }
}

/** The data folder: BOOCHAT_DATA_DIR, default ./data, as an absolute path. */
export function dataDirFrom(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.BOOCHAT_DATA_DIR?.trim() || "./data");
}

/**
 * Where chats without a worktree get a folder of their own: BOOCHAT_SCRATCH_DIR, default
 * `$XDG_CACHE_HOME/boochat/scratch` (`~/.cache/...`): private to the user, and outside the data
 * folder, so an agent's working folder is never next to BooChat's tokens.
 */
export function scratchDirFrom(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.BOOCHAT_SCRATCH_DIR?.trim();
  if (explicit) return path.resolve(/*turbopackIgnore: true*/ explicit);
  const cache = env.XDG_CACHE_HOME?.trim() || path.join(env.HOME?.trim() || os.homedir(), ".cache");
  return path.join(cache, "boochat", "scratch");
}

/** Server settings from the environment (README, "Settings"). */
export function readServerSettings(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const dataDir = dataDirFrom(env);
  const sidecarPort = positiveInt("BOOCHAT_SIDECAR_PORT", env.BOOCHAT_SIDECAR_PORT, DEFAULT_SIDECAR_PORT);
  return {
    databaseUrl: databaseUrl(env),
    dataDir,
    sidecarUrl: env.BOOCHAT_SIDECAR_URL?.trim() || `http://127.0.0.1:${sidecarPort}`,
    sidecarToken: readSidecarToken(env, dataDir),
    riskTimeoutMs: positiveInt("BOOCHAT_RISK_TIMEOUT_MS", env.BOOCHAT_RISK_TIMEOUT_MS, 5_000),
  };
}
