// Shared by `npm start` and `npm test`: node built-ins only, because they run before `npm ci`.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

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

/**
 * Why BooChat must not start with these settings, or null. Listening beyond loopback without a
 * password would let anyone who reaches the address run agents (and so commands) as this user.
 */
export function unsafeListenReason(env) {
  const host = env.HOST?.trim() || "127.0.0.1";
  if (isLoopbackAddress(host) || env.BOOCHAT_PASSWORD?.trim()) return null;
  return (
    `refusing to start: HOST=${host} makes BooChat reachable from other machines, and BOOCHAT_PASSWORD is not set, ` +
    "so anyone who can reach it could run agents and commands as you. Set BOOCHAT_PASSWORD (and list the names you " +
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

/** Default settings every process gets (README, "Settings"). */
export function withDefaults(env) {
  const out = { ...env, NEXT_TELEMETRY_DISABLED: "1" };
  out.BOOCHAT_DATA_DIR = path.resolve(root, env.BOOCHAT_DATA_DIR?.trim() || "data");
  out.DATABASE_URL = env.DATABASE_URL?.trim() || "file:./data/boochat.db";
  out.HOST = env.HOST?.trim() || "127.0.0.1";
  out.PORT = env.PORT?.trim() || "3000";
  out.BOOCHAT_SIDECAR_PORT = env.BOOCHAT_SIDECAR_PORT?.trim() || "4319";
  out.BOOCHAT_WORKTREE_ROOT = env.BOOCHAT_WORKTREE_ROOT?.trim() || "/tmp/booworktrees";
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

/** BOOCHAT_SIDECAR_TOKEN, else the token in the data folder, else a new one written there (0600). */
export function ensureSidecarToken(env) {
  if (env.BOOCHAT_SIDECAR_TOKEN?.trim()) return env.BOOCHAT_SIDECAR_TOKEN.trim();
  const file = path.join(env.BOOCHAT_DATA_DIR, "sidecar-token");
  if (fs.existsSync(file)) {
    makePrivate(file, 0o600);
    const token = fs.readFileSync(file, "utf8").trim();
    if (token) return token;
  }
  const token = crypto.randomBytes(32).toString("hex");
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  log(`generated a sidecar token in ${file}`);
  return token;
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
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = alive.map((c) => new Promise((resolve) => c.once("exit", resolve)));
  for (const child of alive) killGroup(child, "SIGTERM");
  const timer = setTimeout(() => alive.forEach((c) => killGroup(c, "SIGKILL")), graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
