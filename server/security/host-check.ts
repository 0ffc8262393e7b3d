import type { AccessSettings } from "./access-settings";

export type HostAndPort = { name: string; port: number | null };

/**
 * Splits a `Host` header (or a URL's host) into a lower-cased name and a port: `[::1]:3000`,
 * `localhost`, `127.0.0.1:80`. Null when it is not a host at all.
 */
export function parseHost(value: string): HostAndPort | null {
  const text = value.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65_535)) return null;
  return { name: match[1], port };
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);

/** `::1` as it appears in a Host header: `[::1]`. */
function asHostName(address: string): string {
  const lower = address.trim().toLowerCase();
  return lower.includes(":") && !lower.startsWith("[") ? `[${lower}]` : lower;
}

/**
 * True when `host` names this BooChat: a loopback name or the `HOST` address with the app's port,
 * or a name in `BOOCHAT_ALLOWED_HOSTS` (`name` matches any port, `name:port` that port only).
 * A missing port is the scheme's default (`defaultPort`: 80 for a Host header). This is what
 * defeats DNS rebinding: a page from evil.example that rebinds its name to 127.0.0.1 still sends
 * `Host: evil.example`.
 */
export function isAllowedHost(host: string | null | undefined, settings: AccessSettings, defaultPort = 80): boolean {
  if (!host) return false;
  const parsed = parseHost(host);
  if (!parsed) return false;
  const port = parsed.port ?? defaultPort;
  const own = new Set(LOOPBACK_NAMES);
  if (!WILDCARD_ADDRESSES.has(settings.host.trim().toLowerCase())) own.add(asHostName(settings.host));
  if (own.has(parsed.name) && port === settings.port) return true;
  return settings.allowedHosts.some((entry) => {
    const allowed = parseHost(entry);
    if (!allowed || allowed.name !== parsed.name) return false;
    return allowed.port === null || allowed.port === port;
  });
}

/**
 * True when an `Origin` or `Referer` value is BooChat's own origin: an http(s) URL whose host is
 * one BooChat serves. `null` (sandboxed frames, some redirects) and anything unparsable are foreign.
 */
export function isOwnOrigin(value: string, settings: AccessSettings): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  return isAllowedHost(url.host, settings, url.protocol === "https:" ? 443 : 80);
}
