import { mkdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { resolveToken, type TokenSource } from "./token";
import { prepareWorktreeRoot, SettingsError, type Identity } from "./worktree-root";

export { SettingsError } from "./worktree-root";

export type SidecarSettings = {
  host: string;
  /** 0 lets the system pick a free port (tests). */
  port: number;
  token: string;
  /** where the token came from, for the start-up line (never the token itself) */
  tokenSource: TokenSource;
  /** real path, created 0700 when missing, checked (worktree-root.ts) */
  worktreeRoot: string;
  /** the root is setgid and belongs to the sidecar's group: group members work in the worktrees */
  worktreeRootShared: boolean;
  dataDir: string;
  auditLogPath: string;
  /** the audit log is rotated past this size; this many rotated files are kept */
  auditMaxBytes: number;
  auditKeep: number;
  gitTimeoutMs: number;
  /** PATH and HOME handed to git (PATH without relative entries) */
  gitPath: string;
  home: string;
  /** TMPDIR: where git and the merge check write temporary files */
  tempDir: string;
  /** push and fetch: the host's credential helper (or none), the ssh agent, their own timeout */
  gitCredentialHelper: string | null;
  sshAuthSock: string | null;
  gitNetworkTimeoutMs: number;
};

export const DEFAULT_PORT = 4319;
export const DEFAULT_HOST = "127.0.0.1";
/** The worktree root's default, inside the data folder. */
export const DEFAULT_WORKTREE_DIR = "worktrees";

function parseWhole(name: string, value: string | undefined, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(`${name} must be ${what} (${min} to ${max}), not ${value}`);
  return n;
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

export async function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  me: Identity = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
): Promise<SidecarSettings> {
  const dataDir = path.resolve(cwd, env.BOOCHAT_DATA_DIR?.trim() || "./data");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const root = await prepareWorktreeRoot(path.resolve(cwd, env.BOOCHAT_WORKTREE_ROOT?.trim() || path.join(dataDir, DEFAULT_WORKTREE_DIR)), me);
  const tempDir = await requireFolder("TMPDIR", path.resolve(cwd, env.TMPDIR?.trim() || os.tmpdir()));
  const { token, source } = await resolveToken(env, cwd, dataDir);
  return {
    host: env.BOOCHAT_SIDECAR_HOST?.trim() || DEFAULT_HOST,
    port: parseWhole("BOOCHAT_SIDECAR_PORT", env.BOOCHAT_SIDECAR_PORT, DEFAULT_PORT, 0, 65_535, "a port number"),
    token,
    tokenSource: source,
    worktreeRoot: root.path,
    worktreeRootShared: root.sharedWithGroup,
    dataDir,
    auditLogPath: path.join(dataDir, "sidecar-audit.jsonl"),
    auditMaxBytes: parseWhole("BOOCHAT_SIDECAR_AUDIT_MAX_BYTES", env.BOOCHAT_SIDECAR_AUDIT_MAX_BYTES, 10 * 1024 * 1024, 1024, 2 ** 40, "a size in bytes"),
    auditKeep: parseWhole("BOOCHAT_SIDECAR_AUDIT_FILES", env.BOOCHAT_SIDECAR_AUDIT_FILES, 5, 1, 100, "a number of files"),
    gitTimeoutMs: parseWhole("BOOCHAT_SIDECAR_GIT_TIMEOUT_MS", env.BOOCHAT_SIDECAR_GIT_TIMEOUT_MS, 60_000, 100, 24 * 3_600_000, "a whole number of milliseconds"),
    gitPath: absolutePathEntries(env.PATH),
    home: env.HOME ?? os.homedir(),
    tempDir,
    gitCredentialHelper: env.BOOCHAT_SIDECAR_GIT_CREDENTIAL_HELPER?.trim() || null,
    sshAuthSock: env.SSH_AUTH_SOCK?.trim() || null,
    gitNetworkTimeoutMs: parseWhole(
      "BOOCHAT_SIDECAR_GIT_NETWORK_TIMEOUT_MS",
      env.BOOCHAT_SIDECAR_GIT_NETWORK_TIMEOUT_MS,
      300_000,
      1_000,
      24 * 3_600_000,
      "a whole number of milliseconds",
    ),
  };
}
