#!/usr/bin/env node
// `npm test`: every test. The type check beside a production build; then vitest beside Playwright
// against that build; then one closing line "N passed, N failed" totalled over vitest and Playwright.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
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
/** BOOCHAT_TEST_SERIAL=1 runs the steps one after another, each with its own unprefixed output. */
const serial = process.env.BOOCHAT_TEST_SERIAL === "1";

/**
 * Runs one step. With a `prefix`, its output is streamed line by line behind that prefix (so two
 * steps running at once stay readable) and kept in test-results/<prefix>.log, whose tail is shown
 * again at the end if the step fails.
 */
function step(name, command, args, { prefix, stepEnv = env } = {}) {
  log(`${name}…`);
  const started = Date.now();
  const piped = Boolean(prefix) && !serial;
  const child = spawn(command, args, { cwd: root, env: stepEnv, stdio: piped ? ["ignore", "pipe", "pipe"] : "inherit" });
  const logFile = piped ? fs.createWriteStream(path.join(resultsDir, `${prefix}.log`)) : null;
  if (piped) {
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
        process.stdout.write(`[${prefix}] ${line}\n`);
        logFile?.write(`${line}\n`);
      });
    }
  }
  return new Promise((resolve) => {
    child.once("error", (error) => {
      log(`${name}: could not start (${error.message})`);
      failures.push({ name, prefix: null });
      resolve(false);
    });
    child.once("close", (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code !== 0) failures.push({ name, prefix: piped ? prefix : null });
      log(`${name}: ${code === 0 ? "ok" : `FAILED (exit ${code ?? signal})`} in ${seconds} s`);
      // The log is read back at the end: resolve once it is on disk.
      if (logFile) logFile.end(() => resolve(code === 0));
      else resolve(code === 0);
    });
  });
}

/** Both steps at once (they use different CPUs most of the time), or one after the other when serial. */
async function together(first, second) {
  if (serial) return [await first(), await second()];
  return Promise.all([first(), second()]);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

await step("prisma generate", bin("prisma"), ["generate"]);

const vitestJson = path.join(resultsDir, "vitest.json");
fs.rmSync(vitestJson, { force: true });
const playwrightJson = path.join(resultsDir, "playwright.json");
fs.rmSync(playwrightJson, { force: true });
// The e2e database, data folder and worktree root live in a scratch folder removed afterwards.
const e2eDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-e2e-"));
const e2eEnv = { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, BOOCHAT_E2E_DIR: e2eDir };

// On CI's two cores, vitest (one worker) and Playwright each spend much of their time waiting on
// git, opencode and the browser: run side by side they take little more than the longer one.
// The type check runs beside the production build the same way.
const [, built] = await together(
  () => step("type check", bin("tsc"), ["--noEmit", "-p", "."], { prefix: "tsc" }),
  () => step("next build", bin("next"), ["build"]),
);
await together(
  () => step("vitest", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${vitestJson}`], { prefix: "vitest" }),
  async () => (built ? step("playwright", bin("playwright"), ["test", "--reporter=list,json"], { prefix: "e2e", stepEnv: e2eEnv }) : false),
);
fs.rmSync(e2eDir, { recursive: true, force: true });

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

// The two outputs were interleaved: a failing step's own last lines, together, where the eye ends up.
for (const { name, prefix } of failures) {
  if (!prefix) continue;
  const lines = fs.readFileSync(path.join(resultsDir, `${prefix}.log`), "utf8").trimEnd().split("\n");
  log(`${name} failed; its last ${Math.min(lines.length, 120)} lines (all of it in test-results/${prefix}.log):`);
  process.stdout.write(`${lines.slice(-120).join("\n")}\n`);
}
if (failures.length > 0) log(`failed steps: ${failures.map((f) => f.name).join(", ")}`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
