import { randomBytes } from "node:crypto";
import { mkdir, readFile, realpath, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export type SidecarSettings = {
  host: string;
  /** 0 lets the system pick a free port (tests). */
  port: number;
  token: string;
  /** where the token came from, for the start-up line (never the token itself) */
  tokenSource: "environment" | "file" | "generated";
  /** real path, created when missing */
  worktreeRoot: string;
  dataDir: string;
  auditLogPath: string;
  gitTimeoutMs: number;
  /** PATH and HOME handed to git (PATH without relative entries) */
  gitPath: string;
  home: string;
  /** TMPDIR: where git and the merge check write temporary files */
  tempDir: string;
};

export const DEFAULT_PORT = 4319;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_WORKTREE_ROOT = "/tmp/booworktrees";

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new SettingsError(`BOOCHAT_SIDECAR_PORT must be a port number, not ${value}`);
  return port;
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 60_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new SettingsError(`BOOCHAT_SIDECAR_GIT_TIMEOUT_MS must be a whole number of milliseconds (at least 100), not ${value}`);
  return ms;
}

/** PATH for git without empty or relative entries: those mean "the current folder", a worktree an agent writes. */
export function absolutePathEntries(value: string | undefined): string {
  const entries = (value ?? "/usr/local/bin:/usr/bin:/bin").split(":").filter((entry) => path.isAbsolute(entry));
  return entries.length > 0 ? entries.join(":") : "/usr/local/bin:/usr/bin:/bin";
}

async function requireFolder(setting: string, folder: string): Promise<string> {
  const stats = await stat(folder).catch(() => null);
  if (!stats?.isDirectory()) throw new SettingsError(`${setting} (${folder}) is not an existing folder`);
  return folder;
}

/**
 * The token: BOOCHAT_SIDECAR_TOKEN, else `<data dir>/sidecar-token`, else a new one written there
 * (mode 0600) so that `npm run sidecar` alone works and the server can read the same file.
 */
async function resolveToken(fromEnv: string | undefined, dataDir: string): Promise<{ token: string; source: SidecarSettings["tokenSource"] }> {
  if (fromEnv !== undefined && fromEnv.trim() !== "") return { token: fromEnv.trim(), source: "environment" };
  const file = path.join(dataDir, "sidecar-token");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim() !== "") return { token: existing.trim(), source: "file" };
  const token = randomBytes(32).toString("hex");
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process wrote it first: use theirs.
    const raced = await readFile(file, "utf8").catch(() => "");
    if (raced.trim() !== "") return { token: raced.trim(), source: "file" };
    throw error;
  }
  return { token, source: "generated" };
}

export async function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<SidecarSettings> {
  const dataDir = path.resolve(cwd, env.BOOCHAT_DATA_DIR?.trim() || "./data");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const rootSetting = path.resolve(cwd, env.BOOCHAT_WORKTREE_ROOT?.trim() || DEFAULT_WORKTREE_ROOT);
  await mkdir(rootSetting, { recursive: true });
  const worktreeRoot = await realpath(rootSetting);
  if (path.dirname(worktreeRoot) === worktreeRoot) throw new SettingsError("BOOCHAT_WORKTREE_ROOT must not be the file system root");
  const tempDir = await requireFolder("TMPDIR", path.resolve(cwd, env.TMPDIR?.trim() || os.tmpdir()));
  const { token, source } = await resolveToken(env.BOOCHAT_SIDECAR_TOKEN, dataDir);
  return {
    host: env.BOOCHAT_SIDECAR_HOST?.trim() || DEFAULT_HOST,
    port: parsePort(env.BOOCHAT_SIDECAR_PORT),
    token,
    tokenSource: source,
    worktreeRoot,
    dataDir,
    auditLogPath: path.join(dataDir, "sidecar-audit.jsonl"),
    gitTimeoutMs: parseTimeout(env.BOOCHAT_SIDECAR_GIT_TIMEOUT_MS),
    gitPath: absolutePathEntries(env.PATH),
    home: env.HOME ?? os.homedir(),
    tempDir,
  };
}
