#!/usr/bin/env node
// `npm start`: install, migrate, build, then run the web app and the sidecar until Ctrl-C.
// Flags (used by the e2e tests): --skip-install, --skip-build.
import fs from "node:fs";
import path from "node:path";
import { appUrl, bin, buildIsStale, ensureApiToken, ensureInstalled, ensureSidecarToken, log, makePrivate, run, signInLink, sqliteFile, startService, stopServices, unsafeListenReason, waitUntilAnswering, withDefaults } from "./lib.mjs";

// Before anything is installed or built, so a refused setting fails at once.
const unsafe = unsafeListenReason(process.env);
if (unsafe) {
  process.stderr.write(`[boochat] ${unsafe}\n`);
  process.exit(1);
}

const flags = new Set(process.argv.slice(2));
if (!flags.has("--skip-install")) ensureInstalled();

const env = withDefaults(process.env);
env.BOOCHAT_SIDECAR_TOKEN = ensureSidecarToken(env);
const apiToken = ensureApiToken(env);
// With BOOCHAT_HOSTS_FILE the worktrees and agents are on the host services it names (docs/HOSTS.md): no local host.
const hostsFile = process.env.BOOCHAT_HOSTS_FILE?.trim();
const runLocalSidecar = !process.env.BOOCHAT_SIDECAR_URL?.trim() && !hostsFile;
env.BOOCHAT_SIDECAR_URL ||= `http://127.0.0.1:${env.BOOCHAT_SIDECAR_PORT}`;

log(`applying database migrations to ${env.DATABASE_URL}…`);
const dbFile = sqliteFile(env.DATABASE_URL);
// Loaded now, not at the top: it needs better-sqlite3, installed just above.
const { resumeInterruptedMigrations } = await import("./resume-interrupted-migrations.mjs");
for (const name of resumeInterruptedMigrations(dbFile)) log(`migration ${name} did not finish last time: running it again`);
run(bin("prisma"), ["migrate", "deploy"], { env, what: "prisma migrate deploy" });
if (dbFile && fs.existsSync(dbFile)) makePrivate(dbFile, 0o600);

if (!flags.has("--skip-build") && buildIsStale()) {
  log("building the web app…");
  run(bin("prisma"), ["generate"], { env, what: "prisma generate" });
  run(bin("next"), ["build"], { env, what: "next build" });
}

const children = [];
if (runLocalSidecar) {
  const sidecar = startService("sidecar", bin("tsx"), ["sidecar/main.ts"], env);
  // The sidecar's process group, for operators (and the e2e tests that simulate a hung sidecar).
  fs.writeFileSync(path.join(env.BOOCHAT_DATA_DIR, "sidecar.pid"), `${sidecar.pid}\n`);
  children.push(sidecar);
}
else if (hostsFile) log(`using the hosts in ${hostsFile} (BOOCHAT_HOSTS_FILE is set, so no local host is started)`);
else log(`using the sidecar at ${env.BOOCHAT_SIDECAR_URL} (BOOCHAT_SIDECAR_URL is set, so none is started here)`);
children.push(startService("web", bin("next"), ["start", "--hostname", env.HOST, "--port", env.PORT], env));
// Like Jupyter: the link signs a browser in (the token also sits in <data>/api-token for the CLI).
// Printed now, and again once the app answers, so it is the last thing on the screen.
log(`BooChat is starting on port ${env.PORT} (Ctrl-C stops it). Open it with this sign-in link:\n\n    ${signInLink(env, apiToken)}\n`);
void waitUntilAnswering(`${appUrl(env)}/api/health`).then((up) => {
  if (up && !stopping) log(`BooChat is ready: ${signInLink(env, apiToken)}`);
});

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await stopServices(children);
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
for (const child of children) {
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${child.serviceName} exited (${signal ?? code}); stopping the rest.`);
    void shutdown(code || 1);
  });
}
