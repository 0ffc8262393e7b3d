#!/usr/bin/env node
// `npm test`: every test. Type check, vitest, a production build, Playwright against it; then one
// closing line "N passed, N failed" totalled over vitest and Playwright.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bin, ensureInstalled, log, root } from "./lib.mjs";

/** The Chromium Playwright drives (playwright.config.ts reads the same variable and default). */
const chromium = process.env.BOOCHAT_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Playwright runs last, so a missing browser would only show after minutes of vitest and a build:
 * install Debian's chromium first when we can (root with apt-get, as .ci/run does), else stop now
 * with the one command that fixes it.
 */
function ensureChromium() {
  if (fs.existsSync(chromium)) return;
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (asRoot && hasApt && !process.env.BOOCHAT_CHROMIUM) {
    log("Chromium is missing: installing Debian's chromium for the browser tests (apt-get)…");
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env: aptEnv });
    const install = update.status === 0 ? spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: aptEnv }) : update;
    if (install.status === 0 && fs.existsSync(chromium)) return;
  }
  const fix = process.env.BOOCHAT_CHROMIUM
    ? `point BOOCHAT_CHROMIUM at a Chromium or Chrome binary (now: ${chromium}, which does not exist)`
    : "sudo apt-get install chromium   (or set BOOCHAT_CHROMIUM to another Chromium binary)";
  log(`The browser tests need Chromium at ${chromium}, which is missing. Run:\n\n    ${fix}\n\nthen npm test again.`);
  process.stdout.write("0 passed, 1 failed\n");
  process.exit(1);
}

ensureChromium();
ensureInstalled();

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CI: process.env.CI ?? "1" };
const resultsDir = path.join(root, "test-results");
fs.mkdirSync(resultsDir, { recursive: true });
const failures = [];

function step(name, command, args) {
  log(`${name}…`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failures.push(name);
  log(`${name}: ${result.status === 0 ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`);
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

step("prisma generate", bin("prisma"), ["generate"]);
step("type check", bin("tsc"), ["--noEmit", "-p", "."]);

const vitestJson = path.join(resultsDir, "vitest.json");
fs.rmSync(vitestJson, { force: true });
step("vitest", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${vitestJson}`]);

const playwrightJson = path.join(resultsDir, "playwright.json");
fs.rmSync(playwrightJson, { force: true });
if (step("next build", bin("next"), ["build"])) {
  env.PLAYWRIGHT_JSON_OUTPUT_NAME = playwrightJson;
  // The e2e database, data folder and worktree root live in a scratch folder removed afterwards.
  env.BOOCHAT_E2E_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-e2e-"));
  step("playwright", bin("playwright"), ["test", "--reporter=list,json"]);
  fs.rmSync(env.BOOCHAT_E2E_DIR, { recursive: true, force: true });
}

let passed = 0;
let failed = 0;
const vitest = readJson(vitestJson);
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
} else failed += 1; // vitest did not even report: count it as a failure, never as silence
const playwright = readJson(playwrightJson);
if (playwright?.stats) {
  passed += playwright.stats.expected ?? 0;
  failed += (playwright.stats.unexpected ?? 0) + (playwright.stats.flaky ?? 0);
} else failed += 1;

if (failures.length > 0) log(`failed steps: ${failures.join(", ")}`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
