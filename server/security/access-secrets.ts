import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** `<data>/api-token`: BooChat's API token (random, 0600), made by `npm start` or the first request. */
export const API_TOKEN_FILE = "api-token";
/** `<data>/session-epoch`: a number; signing out raises it, which ends every browser session. */
export const SESSION_EPOCH_FILE = "session-epoch";

const MIN_TOKEN_LENGTH = 32;

/** Writes `content` to `file` as 0600 through a temp file and a rename, so no reader sees half of it. */
function writePrivate(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.renameSync(temp, file);
}

/** The API token from the data folder, made now (random, 0600) when there is none or it is too short to trust. */
export function readOrCreateApiToken(dataDir: string): string {
  const file = path.join(dataDir, API_TOKEN_FILE);
  try {
    const token = fs.readFileSync(file, "utf8").trim();
    if (token.length >= MIN_TOKEN_LENGTH) return token;
  } catch {
    // missing: made below
  }
  writePrivate(file, `${randomBytes(32).toString("base64url")}\n`);
  return fs.readFileSync(file, "utf8").trim();
}

export function readSessionEpoch(dataDir: string): number {
  try {
    const value = Number(fs.readFileSync(path.join(dataDir, SESSION_EPOCH_FILE), "utf8").trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Sign out everywhere: the next epoch, so no cookie signed before is valid any more. */
export function advanceSessionEpoch(dataDir: string): number {
  const next = readSessionEpoch(dataDir) + 1;
  writePrivate(path.join(dataDir, SESSION_EPOCH_FILE), `${next}\n`);
  return next;
}

export type AccessSecrets = {
  /** BooChat's API token: scripts, the CLI, MCP clients, and the sign-in link. */
  apiToken: string;
  /** The current session epoch (cookies carry it in their signature). */
  epoch: number;
  /** opencode's own token for BooChat's MCP route: valid only there, only until BooChat restarts. */
  agentToken: string;
};

const globalForSecrets = globalThis as unknown as {
  boochatAccessSecrets?: { dataDir: string; apiToken: string; epoch: number; epochStamp: number };
  boochatAgentToken?: string;
};

/**
 * The token an agent's MCP client (opencode) sends to BooChat's MCP route. Made once per process
 * and never written anywhere, so it dies with the process and reaches no other route.
 */
export function getAgentToken(): string {
  globalForSecrets.boochatAgentToken ??= randomBytes(32).toString("base64url");
  return globalForSecrets.boochatAgentToken;
}

function epochStamp(dataDir: string): number {
  try {
    return fs.statSync(path.join(dataDir, SESSION_EPOCH_FILE)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The secrets the access checks compare against, for the running app: the token is read once per
 * process, the epoch again whenever its file changes (a sign-out in this or another process).
 */
export function getAccessSecrets(dataDir: string): AccessSecrets {
  let cached = globalForSecrets.boochatAccessSecrets;
  if (!cached || cached.dataDir !== dataDir) {
    cached = { dataDir, apiToken: readOrCreateApiToken(dataDir), epoch: readSessionEpoch(dataDir), epochStamp: epochStamp(dataDir) };
    globalForSecrets.boochatAccessSecrets = cached;
  }
  const stamp = epochStamp(dataDir);
  if (stamp !== cached.epochStamp) {
    cached.epoch = readSessionEpoch(dataDir);
    cached.epochStamp = stamp;
  }
  return { apiToken: cached.apiToken, epoch: cached.epoch, agentToken: getAgentToken() };
}
