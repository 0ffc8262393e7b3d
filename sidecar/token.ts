import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { SettingsError } from "./worktree-root";

export type TokenSource = "environment" | "token file" | "credential" | "data folder" | "generated";

/** The systemd credential name the unit loads the token under (LoadCredential=sidecar-token:...). */
export const CREDENTIAL_NAME = "sidecar-token";

async function readTokenFile(file: string, setting: string): Promise<string> {
  let text: string;
  try {
    const stats = await stat(file);
    // The token is the only guard of the API: a file everyone may read is no secret.
    if ((stats.mode & 0o004) !== 0) throw new SettingsError(`${setting} (${file}) is readable by every user: chmod o-r it`);
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(`${setting} (${file}) cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text.trim() === "") throw new SettingsError(`${setting} (${file}) is empty`);
  return text.trim();
}

async function readOrCreateDataToken(dataDir: string): Promise<{ token: string; source: TokenSource }> {
  const file = path.join(dataDir, "sidecar-token");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim() !== "") return { token: existing.trim(), source: "data folder" };
  const token = randomBytes(32).toString("hex");
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process wrote it first: use theirs.
    const raced = await readFile(file, "utf8").catch(() => "");
    if (raced.trim() !== "") return { token: raced.trim(), source: "data folder" };
    throw error;
  }
  return { token, source: "generated" };
}

/**
 * The token, from the first of: BOOCHAT_SIDECAR_TOKEN; the file BOOCHAT_SIDECAR_TOKEN_FILE names;
 * the systemd credential `$CREDENTIALS_DIRECTORY/sidecar-token`; `<data dir>/sidecar-token`; a new
 * one written there (0600) so that `npm run sidecar` alone works and the server reads the same file.
 */
export async function resolveToken(env: NodeJS.ProcessEnv, cwd: string, dataDir: string): Promise<{ token: string; source: TokenSource }> {
  const fromEnv = env.BOOCHAT_SIDECAR_TOKEN?.trim();
  const file = env.BOOCHAT_SIDECAR_TOKEN_FILE?.trim();
  if (fromEnv && file) throw new SettingsError("set BOOCHAT_SIDECAR_TOKEN or BOOCHAT_SIDECAR_TOKEN_FILE, not both");
  if (fromEnv) return { token: fromEnv, source: "environment" };
  if (file) return { token: await readTokenFile(path.resolve(cwd, file), "BOOCHAT_SIDECAR_TOKEN_FILE"), source: "token file" };
  const credentials = env.CREDENTIALS_DIRECTORY?.trim();
  if (credentials) {
    const credential = path.join(credentials, CREDENTIAL_NAME);
    const present = await stat(credential).then(
      () => true,
      () => false,
    );
    if (present) return { token: await readTokenFile(credential, "the systemd credential"), source: "credential" };
  }
  return readOrCreateDataToken(dataDir);
}
