import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import DEFAULTS from "./defaults.json" with { type: "json" };

/**
 * Every environment setting of the web app (README, "Settings"), read and checked once. The
 * defaults live in defaults.json, which `npm start` (scripts/lib.mjs, no dependencies) and the
 * sidecar read too, so the three never disagree. A blank value counts as unset. A bad value is an
 * error that names the setting.
 */
export { DEFAULTS };

export type Settings = {
  port: number;
  host: string;
  databaseUrl: string;
  /** Absolute. */
  dataDir: string;
  sidecarUrl: string;
  /** BOOCHAT_SIDECAR_TOKEN, else the one `npm start` wrote into the data folder, else "". */
  sidecarToken: string;
  worktreeRoot: string;
  /** How long the delete gate waits for a risk check before calling it unverified. */
  riskTimeoutMs: number;
  /** BOOCHAT_MODEL_BASE_URL / _API_KEY / BOOCHAT_MODEL: the model without a settings file. */
  model: { baseUrl: string | null; apiKey: string | null; id: string | null };
  /** Absolute: BOOCHAT_SETTINGS_FILE, default `<data>/settings.json`. */
  settingsFile: string;
  /** null: no password (browsers sign in with the link `npm start` prints). */
  password: string | null;
  /** Extra `Host` names, `name` (any port) or `name:port`, lower-cased. */
  allowedHosts: string[];
  trustedProxy: boolean;
  /** Where chats without a worktree get a folder of their own (outside the data folder). */
  scratchDir: string;
  /** Where opencode reaches BooChat's MCP server; null: the app's own address. */
  mcpUrl: string | null;
  opencodeBin: string | null;
  opencodePort: number | null;
  /** BOOCHAT_HOSTS_FILE: the agent hosts (server/hosts/hosts-config.ts); null: the one `local` host. */
  hostsFile: string | null;
};

export type Env = Record<string, string | undefined>;

/** A setting that is not set, or set to blank, is undefined; anything else is trimmed. */
const unsetWhenBlank = (value: unknown) => (typeof value === "string" ? value.trim() || undefined : value);

const text = z.preprocess(unsetWhenBlank, z.string().optional());
const wholeNumber = (min: number, max: number, what: string) =>
  z.preprocess(
    unsetWhenBlank,
    z
      .string()
      .regex(/^\d+$/, `must be ${what} (a whole number from ${min} to ${max})`)
      .transform(Number)
      .pipe(z.number().min(min, `must be ${what} from ${min} to ${max}`).max(max, `must be ${what} from ${min} to ${max}`))
      .optional(),
  );
const url = (example: string) => z.preprocess(unsetWhenBlank, z.url(`must be a URL such as ${example}`).optional());
const port = wholeNumber(1, 65_535, "a port number");

const envSchema = z.object({
  PORT: port,
  HOST: text,
  DATABASE_URL: text,
  BOOCHAT_DATA_DIR: text,
  BOOCHAT_SIDECAR_URL: url("http://127.0.0.1:4319"),
  BOOCHAT_SIDECAR_PORT: port,
  BOOCHAT_SIDECAR_TOKEN: text,
  BOOCHAT_WORKTREE_ROOT: text,
  BOOCHAT_RISK_TIMEOUT_MS: wholeNumber(1, 3_600_000, "a number of milliseconds"),
  BOOCHAT_MODEL_BASE_URL: url("https://api.example.com/v1"),
  BOOCHAT_MODEL_API_KEY: text,
  BOOCHAT_MODEL: text,
  BOOCHAT_SETTINGS_FILE: text,
  // Not trimmed: a password is what was typed; only a blank one means "none".
  BOOCHAT_PASSWORD: z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().optional()),
  BOOCHAT_ALLOWED_HOSTS: text,
  BOOCHAT_TRUSTED_PROXY: z.preprocess(unsetWhenBlank, z.string().regex(/^(1|true|yes|0|false|no)$/i, "must be 1, true, yes, 0, false or no").optional()),
  BOOCHAT_SCRATCH_DIR: text,
  BOOCHAT_MCP_URL: url("http://127.0.0.1:3000/api/mcp"),
  BOOCHAT_OPENCODE_BIN: text,
  BOOCHAT_OPENCODE_PORT: port,
  BOOCHAT_HOSTS_FILE: text,
  XDG_CACHE_HOME: text,
  HOME: text,
});

/** A setting with a bad value: the message starts with its name. */
export class SettingsError extends AppError {
  constructor(message: string) {
    super("PRECONDITION_FAILED", message);
    this.name = "SettingsError";
  }
}

function parseEnv(env: Env): z.infer<typeof envSchema> {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "setting");
    return `${name} ${issue.message}, got "${env[name] ?? ""}"`;
  });
  throw new SettingsError(`Bad setting: ${problems.join("; ")}`);
}

/** The token `npm start` wrote into the data folder when BOOCHAT_SIDECAR_TOKEN is unset ("" when there is none). */
function sidecarTokenFile(dataDir: string): string {
  try {
    return fs.readFileSync(path.join(dataDir, DEFAULTS.sidecarTokenFileInDataDir), "utf8").trim();
  } catch {
    return "";
  }
}

/** Reads and checks every setting from `env`; throws a SettingsError naming the first bad ones. */
export function readSettings(env: Env = process.env): Settings {
  const raw = parseEnv(env);
  const dataDir = path.resolve(/*turbopackIgnore: true*/ raw.BOOCHAT_DATA_DIR ?? DEFAULTS.BOOCHAT_DATA_DIR);
  const cache = raw.XDG_CACHE_HOME ?? path.join(raw.HOME ?? os.homedir(), ".cache");
  return {
    port: raw.PORT ?? DEFAULTS.PORT,
    host: raw.HOST ?? DEFAULTS.HOST,
    databaseUrl: raw.DATABASE_URL ?? DEFAULTS.DATABASE_URL,
    dataDir,
    sidecarUrl: raw.BOOCHAT_SIDECAR_URL ?? `http://127.0.0.1:${raw.BOOCHAT_SIDECAR_PORT ?? DEFAULTS.BOOCHAT_SIDECAR_PORT}`,
    sidecarToken: raw.BOOCHAT_SIDECAR_TOKEN ?? sidecarTokenFile(dataDir),
    worktreeRoot: path.resolve(/*turbopackIgnore: true*/ raw.BOOCHAT_WORKTREE_ROOT ?? path.join(dataDir, DEFAULTS.worktreesInDataDir)),
    riskTimeoutMs: raw.BOOCHAT_RISK_TIMEOUT_MS ?? DEFAULTS.BOOCHAT_RISK_TIMEOUT_MS,
    model: { baseUrl: raw.BOOCHAT_MODEL_BASE_URL ?? null, apiKey: raw.BOOCHAT_MODEL_API_KEY ?? null, id: raw.BOOCHAT_MODEL ?? null },
    settingsFile: path.resolve(/*turbopackIgnore: true*/ raw.BOOCHAT_SETTINGS_FILE ?? path.join(dataDir, DEFAULTS.settingsFileInDataDir)),
    password: raw.BOOCHAT_PASSWORD ?? null,
    allowedHosts: (raw.BOOCHAT_ALLOWED_HOSTS ?? "")
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ""),
    trustedProxy: /^(1|true|yes)$/i.test(raw.BOOCHAT_TRUSTED_PROXY ?? ""),
    scratchDir: path.resolve(/*turbopackIgnore: true*/ raw.BOOCHAT_SCRATCH_DIR ?? path.join(cache, "boochat", "scratch")),
    mcpUrl: raw.BOOCHAT_MCP_URL ?? null,
    opencodeBin: raw.BOOCHAT_OPENCODE_BIN ?? null,
    opencodePort: raw.BOOCHAT_OPENCODE_PORT ?? null,
    hostsFile: raw.BOOCHAT_HOSTS_FILE ? path.resolve(/*turbopackIgnore: true*/ raw.BOOCHAT_HOSTS_FILE) : null,
  };
}

const globalForSettings = globalThis as unknown as { boochatSettings?: Settings };

/** The running app's settings, read from the environment once per process. */
export function getSettings(): Settings {
  globalForSettings.boochatSettings ??= readSettings();
  return globalForSettings.boochatSettings;
}
