import { readSettings, type Env } from "../settings/settings";

/** The settings the access checks read (README, "Settings"; docs/SECURITY.md). */
export type AccessSettings = {
  /** The port the web app listens on (`PORT`): the loopback names are allowed with it. */
  port: number;
  /** The address the web app listens on (`HOST`, default 127.0.0.1). */
  host: string;
  /** `BOOCHAT_PASSWORD`; null when unset (browsers then sign in with the sign-in link only). */
  password: string | null;
  /** `BOOCHAT_TRUSTED_PROXY`: a reverse proxy in front sets X-Forwarded-For, so it names the client. */
  trustedProxy: boolean;
  /** `BOOCHAT_DATA_DIR`: where the API token and the session epoch live. */
  dataDir: string;
  /** `BOOCHAT_ALLOWED_HOSTS`: extra `Host` names, `name` (any port) or `name:port`, lower-cased. */
  allowedHosts: string[];
};

/** Addresses that only this machine can reach. `HOST` set to anything else needs a password. */
export function isLoopbackAddress(host: string): boolean {
  const value = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return value === "localhost" || value === "::1" || /^127(\.\d{1,3}){3}$/.test(value);
}

export const MIN_PASSWORD_LENGTH = 12;

/** Why BOOCHAT_PASSWORD cannot be used, or null: too short to stand up to guessing. */
export function passwordProblem(password: string | null): string | null {
  if (password === null || password.length >= MIN_PASSWORD_LENGTH) return null;
  return `BOOCHAT_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${password.length})`;
}

/** The access checks' part of the settings (server/settings/settings.ts reads and checks them all). */
export function readAccessSettings(env: Env = process.env): AccessSettings {
  const { port, host, password, trustedProxy, dataDir, allowedHosts } = readSettings(env);
  return { port, host, password, trustedProxy, dataDir, allowedHosts };
}
