/** The settings the access checks read (README, "Settings"; docs/SECURITY.md). */
export type AccessSettings = {
  /** The port the web app listens on (`PORT`): the loopback names are allowed with it. */
  port: number;
  /** The address the web app listens on (`HOST`, default 127.0.0.1). */
  host: string;
  /** `BOOCHAT_PASSWORD`; null when unset (the local default: no sign-in, the other checks still hold). */
  password: string | null;
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

export function readAccessSettings(env: Record<string, string | undefined> = process.env): AccessSettings {
  const port = Number(env.PORT?.trim() || DEFAULT_PORT);
  const password = env.BOOCHAT_PASSWORD ?? "";
  return {
    port: Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT,
    host: env.HOST?.trim() || DEFAULT_HOST,
    password: password.trim() === "" ? null : password,
    allowedHosts: (env.BOOCHAT_ALLOWED_HOSTS ?? "")
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ""),
  };
}
