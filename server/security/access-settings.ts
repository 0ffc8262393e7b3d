import { dataDirFrom } from "../env";

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

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 3000;

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

export function readAccessSettings(env: Record<string, string | undefined> = process.env): AccessSettings {
  const port = Number(env.PORT?.trim() || DEFAULT_PORT);
  const password = env.BOOCHAT_PASSWORD ?? "";
  return {
    port: Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT,
    host: env.HOST?.trim() || DEFAULT_HOST,
    password: password.trim() === "" ? null : password,
    trustedProxy: /^(1|true|yes)$/i.test(env.BOOCHAT_TRUSTED_PROXY?.trim() ?? ""),
    dataDir: dataDirFrom(env),
    allowedHosts: (env.BOOCHAT_ALLOWED_HOSTS ?? "")
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ""),
  };
}
