// Shared by `npm start` and `npm test`: node built-ins only, because they run before `npm ci`.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
// The defaults the server's settings module (server/settings/settings.ts) uses too: one table.
import { stopGroup } from "../server/lib/process-group.mjs";
import DEFAULTS from "../server/settings/defaults.json" with { type: "json" };

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const bin = (name) => path.join(root, "node_modules", ".bin", name);

export function log(message) {
  process.stdout.write(`[boochat] ${message}\n`);
}

/** Runs a command to completion with inherited output; exits the process when it fails. */
export function run(command, args, { env = process.env, what = `${command} ${args.join(" ")}` } = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    log(`${what} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Installs dependencies on a fresh clone or when package-lock.json changed since. `npm install`
 * (which follows the lock file) rather than `npm ci`: opencode-ai lists a binary package per
 * platform as optional, the registry serves only this platform's, so the lock cannot hold the
 * others and `npm ci` refuses it as out of sync.
 */
export function ensureInstalled() {
  const installed = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (!fs.existsSync(installed)) {
    log("installing dependencies (npm install, following package-lock.json)…");
    run("npm", ["install", "--no-audit", "--no-fund"], { what: "npm install" });
  } else if (mtime(lock) > mtime(installed)) {
    log("package-lock.json changed: updating dependencies (npm install)…");
    run("npm", ["install", "--no-audit", "--no-fund"], { what: "npm install" });
  }
}

/** Addresses only this machine can reach (the same rule as server/security/access-settings.ts). */
export function isLoopbackAddress(host) {
  const value = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return value === "localhost" || value === "::1" || /^127(\.\d{1,3}){3}$/.test(value);
}

export const MIN_PASSWORD_LENGTH = 12;

/**
 * Why BooChat must not start with these settings, or null. Listening beyond loopback without a
 * password would let anyone who reaches the address try the token; a short password can be
 * guessed. (The same rules as server/security/access-settings.ts: a unit test checks they agree.)
 */
export function unsafeListenReason(env) {
  const password = env.BOOCHAT_PASSWORD ?? "";
  if (password.trim() !== "" && password.length < MIN_PASSWORD_LENGTH) {
    return `refusing to start: BOOCHAT_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${password.length}). Choose a longer one, or unset it: the sign-in link that npm start prints is enough on this machine.`;
  }
  const host = env.HOST?.trim() || DEFAULTS.HOST;
  if (isLoopbackAddress(host) || password.trim()) return null;
  return (
    `refusing to start: HOST=${host} makes BooChat reachable from other machines, and BOOCHAT_PASSWORD is not set, ` +
    "so anyone who can reach it could try to run agents and commands as you. Set BOOCHAT_PASSWORD (and list the names you " +
    "browse to in BOOCHAT_ALLOWED_HOSTS), or leave HOST unset to listen on 127.0.0.1 only."
  );
}

/** Makes a folder or file private to this user (0700 / 0600), also when it already existed with looser modes. */
export function makePrivate(file, mode) {
  try {
    if ((fs.statSync(file).mode & 0o777) !== mode) fs.chmodSync(file, mode);
  } catch (error) {
    log(`warning: could not make ${file} private (mode ${mode.toString(8)}): ${error.message}`);
  }
}

export { DEFAULTS };

/**
 * Default settings every process gets (README, "Settings"), from the same table as the server's.
 * Values are only filled in here; the server checks them at its start and names a bad one.
 */
export function withDefaults(env) {
  const out = { ...env, NEXT_TELEMETRY_DISABLED: "1" };
  out.BOOCHAT_DATA_DIR = path.resolve(root, env.BOOCHAT_DATA_DIR?.trim() || DEFAULTS.BOOCHAT_DATA_DIR);
  out.DATABASE_URL = env.DATABASE_URL?.trim() || DEFAULTS.DATABASE_URL;
  out.HOST = env.HOST?.trim() || DEFAULTS.HOST;
  out.PORT = env.PORT?.trim() || String(DEFAULTS.PORT);
  out.BOOCHAT_SIDECAR_PORT = env.BOOCHAT_SIDECAR_PORT?.trim() || String(DEFAULTS.BOOCHAT_SIDECAR_PORT);
  out.BOOCHAT_WORKTREE_ROOT = env.BOOCHAT_WORKTREE_ROOT?.trim() || path.join(out.BOOCHAT_DATA_DIR, DEFAULTS.worktreesInDataDir);
  // The data folder holds the sidecar token, opencode's state and the audit log: this user's only.
  fs.mkdirSync(out.BOOCHAT_DATA_DIR, { recursive: true, mode: 0o700 });
  makePrivate(out.BOOCHAT_DATA_DIR, 0o700);
  return out;
}

/** The SQLite file of a `file:` DATABASE_URL (relative to the project root, as the app resolves it), or null. */
export function sqliteFile(url) {
  if (!url.startsWith("file:")) return null;
  const rest = url.slice("file:".length).split("?")[0] ?? "";
  return rest === "" || rest === ":memory:" ? null : path.resolve(root, rest);
}

/**
 * The secret in `<data>/<name>` (made private when it was not), else a new random one written there
 * (0600). The web app reads the same files (server/security/access-secrets.ts, server/env.ts); this
 * copy exists because start.mjs runs before dependencies are installed.
 */
function ensureSecretFile(dataDir, name, what, minLength = 1) {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) {
    makePrivate(file, 0o600);
    const secret = fs.readFileSync(file, "utf8").trim();
    if (secret.length >= minLength) return secret;
  }
  const secret = crypto.randomBytes(32).toString(name === "api-token" ? "base64url" : "hex");
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  log(`generated ${what} in ${file}`);
  return secret;
}

/** BOOCHAT_SIDECAR_TOKEN, else the token in the data folder, else a new one written there (0600). */
export function ensureSidecarToken(env) {
  if (env.BOOCHAT_SIDECAR_TOKEN?.trim()) return env.BOOCHAT_SIDECAR_TOKEN.trim();
  return ensureSecretFile(env.BOOCHAT_DATA_DIR, DEFAULTS.sidecarTokenFileInDataDir, "a sidecar token");
}

/** BooChat's API token (`<data>/api-token`): browsers get it in the sign-in link, the CLI reads the file. */
export function ensureApiToken(env) {
  // As long as the server asks (access-secrets.ts): a shorter token could be guessed, so it is replaced.
  return ensureSecretFile(env.BOOCHAT_DATA_DIR, "api-token", "BooChat's API token", 32);
}

/** Where this machine reaches the app (a wildcard HOST is where it listens, not an address to open). */
export function appUrl(env) {
  const host = ["0.0.0.0", "::", "[::]"].includes(env.HOST) ? "127.0.0.1" : env.HOST;
  const shown = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `http://${shown}:${env.PORT}`;
}

/** The link that signs a browser in: the token goes in the query, the app drops it from the address bar. */
export function signInLink(env, token) {
  return `${appUrl(env)}/sign-in?token=${encodeURIComponent(token)}`;
}

/** True when the Next.js build is missing or older than any source it is built from. */
export function buildIsStale() {
  const stamp = mtime(path.join(root, ".next", "BUILD_ID"));
  if (stamp === 0) return true;
  const sources = ["app", "server", "trpc", "public", "proxy.ts", "prisma/schema.prisma", "next.config.mjs", "package-lock.json", "postcss.config.mjs"];
  const newest = (entry) => {
    const full = path.join(root, entry);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch {
      return 0;
    }
    if (!stat.isDirectory()) return stat.mtimeMs;
    let max = stat.mtimeMs;
    for (const child of fs.readdirSync(full)) max = Math.max(max, newest(path.join(entry, child)));
    return max;
  };
  return sources.some((entry) => newest(entry) > stamp);
}

/** Starts a long-running child in its own process group, so stopping it stops its children too. */
export function startService(name, command, args, env) {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  child.serviceName = name;
  return child;
}

/** SIGTERM to each child's process group; SIGKILL after a grace period. Resolves when all exited. */
export async function stopServices(children, graceMs = 8000) {
  await Promise.all(children.map((child) => stopGroup(child, graceMs)));
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes; true when it answered. */
export async function waitUntilAnswering(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}
