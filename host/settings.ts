import os from "node:os";
import { loadSettings, SettingsError, type SidecarSettings } from "../sidecar/settings";

export { SettingsError } from "../sidecar/settings";

/** The host service's settings: the sidecar's (worktree root, data folder, git, audit log) plus its own name. */
export type HostSettings = SidecarSettings & {
  /** BOOCHAT_HOST_NAME: how the web app and the user call this machine */
  name: string;
};

export const DEFAULT_HOST_PORT = 4319;
export const MIN_TOKEN_LENGTH = 16;

/** The sidecar settings the host service sets itself; any value of them in the environment is ignored. */
const REPLACED = ["BOOCHAT_SIDECAR_TOKEN", "BOOCHAT_SIDECAR_TOKEN_FILE", "BOOCHAT_SIDECAR_PORT", "BOOCHAT_SIDECAR_HOST", "CREDENTIALS_DIRECTORY"];

/**
 * Reads the host service's settings (docs/HOSTS.md): `BOOCHAT_HOST_*` are mapped onto the sidecar's own
 * loader, so the worktree root, the data folder and git are checked exactly as `npm run sidecar` checks
 * them. The token is required: the web app on another machine must be given the same one, so a token
 * generated here would only have to be copied back by hand.
 */
export async function loadHostSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<HostSettings> {
  const token = env.BOOCHAT_HOST_TOKEN?.trim() ?? "";
  if (token === "") throw new SettingsError("BOOCHAT_HOST_TOKEN is not set: make one with `openssl rand -hex 32` (docs/HOSTS.md)");
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new SettingsError(`BOOCHAT_HOST_TOKEN is too short (${token.length} characters, at least ${MIN_TOKEN_LENGTH}): make one with \`openssl rand -hex 32\``);
  }
  const portText = env.BOOCHAT_HOST_PORT?.trim() || String(DEFAULT_HOST_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new SettingsError(`BOOCHAT_HOST_PORT must be a port number (0 to 65535), not ${portText}`);
  const name = env.BOOCHAT_HOST_NAME?.trim() || os.hostname();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new SettingsError(`BOOCHAT_HOST_NAME must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit, not ${JSON.stringify(name)}`);
  }

  const sidecarEnv: NodeJS.ProcessEnv = { ...env };
  for (const key of REPLACED) delete sidecarEnv[key];
  Object.assign(sidecarEnv, {
    BOOCHAT_SIDECAR_TOKEN: token,
    BOOCHAT_SIDECAR_PORT: String(port),
    BOOCHAT_SIDECAR_HOST: env.BOOCHAT_HOST_ADDRESS?.trim() || "127.0.0.1",
  });
  const settings = await loadSettings(sidecarEnv, cwd);
  return { ...settings, name };
}
