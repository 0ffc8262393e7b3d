/**
 * `npm run drills`: runs the reliability drills (issue 19; docs/RELIABILITY.md) and prints one line
 * per drill (requests, faults injected, problems found, or why it was skipped), then "N passed,
 * N failed, N skipped"; exits 1 on any failure.
 *
 *   npm run drills                        every drill at CI size (what the test suite runs, fixed seed)
 *   npm run drills -- --full              every drill at the issue's counts (or BOOCHAT_DRILLS_SCALE=full)
 *   npm run drills -- disk-full concurrency   only those drills
 *   npm run drills -- soak --minutes 30   the soak (not in CI): mixed traffic with faults, memory and fds
 *   npm run drills -- --list              the drills' names
 *
 * Each drill is its test file run by vitest in its own process (the drills need the suite's migrated
 * template database and start their own sidecar, git repositories and apps); the figures come back
 * through BOOCHAT_DRILLS_REPORT (drills/lib/report.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { z } from "zod";
import type { DrillFigures } from "./lib/report";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");

/** Each drill by name, with its test file; soak only runs when named. */
const DRILLS: Array<{ name: string; file: string; onlyWhenNamed?: boolean }> = [
  { name: "sidecar-fuzz", file: "tests/drills/sidecar-fuzz.test.ts" },
  { name: "api-fuzz", file: "tests/drills/api-fuzz.test.ts" },
  { name: "sidecar-kill", file: "tests/drills/sidecar-kill.test.ts" },
  { name: "delete-kill", file: "tests/drills/delete-kill.test.ts" },
  { name: "migration-kill", file: "tests/drills/migration-kill.test.ts" },
  { name: "opencode-kill", file: "tests/agents/opencode-restart.test.ts" },
  { name: "sidecar-hang", file: "tests/drills/sidecar-hang.test.ts" },
  { name: "disk-full", file: "tests/drills/disk-full.test.ts" },
  { name: "concurrency", file: "tests/drills/concurrency.test.ts" },
  { name: "soak", file: "tests/drills/soak.test.ts", onlyWhenNamed: true },
];

const figuresSchema = z.object({
  drill: z.string(),
  requests: z.number(),
  faults: z.number(),
  problems: z.array(z.string()),
  notes: z.string().optional(),
  skipped: z.string().optional(),
  ms: z.number(),
});

/** vitest's JSON report, only the parts read here. */
const vitestReportSchema = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      assertionResults: z.array(z.object({ title: z.string(), status: z.string(), failureMessages: z.array(z.string()).optional() })),
    }),
  ),
});

type Verdict = "passed" | "failed" | "skipped";

function parseArgs(argv: string[]) {
  const names: string[] = [];
  let scale: "full" | "ci" | null = null;
  let minutes = 30;
  let list = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--ci") scale = "ci";
    else if (arg === "--full") scale = "full";
    else if (arg === "--list") list = true;
    else if (arg === "--minutes") {
      const value = Number(argv[++i]);
      if (!(value > 0)) throw new Error("--minutes takes a number of minutes above 0");
      minutes = value;
    } else if (arg.startsWith("--minutes=")) minutes = Number(arg.slice("--minutes=".length));
    else if (arg.startsWith("-")) throw new Error(`unknown flag ${arg}`);
    else names.push(arg);
  }
  return { names, scale, minutes, list };
}

function seconds(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

function lineOf(figures: DrillFigures): string {
  if (figures.skipped) return `- ${figures.drill}: skipped: ${figures.skipped}`;
  const mark = figures.problems.length === 0 ? "✓" : "✗";
  const notes = figures.notes ? `; ${figures.notes}` : "";
  return `${mark} ${figures.drill}: ${figures.requests} requests, ${figures.faults} faults injected, ${figures.problems.length} problems (${seconds(figures.ms)})${notes}`;
}

async function runDrill(drill: (typeof DRILLS)[number], env: Record<string, string>, logDir: string): Promise<Verdict[]> {
  const reportFile = path.join(logDir, `${drill.name}.jsonl`);
  const vitestJson = path.join(logDir, `${drill.name}.vitest.json`);
  const logFile = path.join(logDir, `${drill.name}.log`);
  const started = Date.now();
  const result = await execa("npx", ["vitest", "run", drill.file, "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`], {
    cwd: REPO_ROOT,
    env: { ...env, BOOCHAT_DRILLS_REPORT: reportFile },
    reject: false,
    all: true,
  });
  fs.writeFileSync(logFile, result.all ?? "");
  const figures = fs.existsSync(reportFile)
    ? fs
        .readFileSync(reportFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => figuresSchema.parse(JSON.parse(line)))
    : [];
  const verdicts: Verdict[] = [];
  for (const one of figures) {
    console.log(lineOf(one));
    for (const problem of one.problems.slice(0, 5)) console.log(`    ${problem.split("\n")[0]}`);
    verdicts.push(one.skipped ? "skipped" : one.problems.length === 0 ? "passed" : "failed");
  }
  // A drill that reports no figures (opencode-kill is a plain test) or whose test failed otherwise:
  // its line comes from vitest's own result.
  const parsed = fs.existsSync(vitestJson) ? vitestReportSchema.safeParse(JSON.parse(fs.readFileSync(vitestJson, "utf8"))) : null;
  const tests = parsed?.success ? parsed.data.testResults.flatMap((file) => file.assertionResults) : [];
  const failedTests = tests.filter((test) => test.status === "failed");
  if (figures.length === 0) {
    const verdict: Verdict = result.exitCode !== 0 || failedTests.length > 0 ? "failed" : tests.length > 0 && tests.every((test) => test.status !== "passed") ? "skipped" : "passed";
    const mark = verdict === "passed" ? "✓" : verdict === "failed" ? "✗" : "-";
    console.log(`${mark} ${drill.name}: ${tests.length} tests, ${verdict} (${seconds(Date.now() - started)})`);
    verdicts.push(verdict);
  } else if (result.exitCode !== 0 && !verdicts.includes("failed")) {
    console.log(`✗ ${drill.name}: vitest exited ${String(result.exitCode)} although its figures show no problem`);
    verdicts.push("failed");
  }
  if (verdicts.includes("failed")) console.log(`    log: ${logFile}`);
  return verdicts;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const drill of DRILLS) console.log(`${drill.name}${drill.onlyWhenNamed ? " (only when named)" : ""}`);
    return;
  }
  const unknown = args.names.filter((name) => !DRILLS.some((drill) => drill.name === name));
  if (unknown.length > 0) throw new Error(`no drill named ${unknown.join(", ")} (npm run drills -- --list)`);
  const chosen = args.names.length > 0 ? DRILLS.filter((drill) => args.names.includes(drill.name)) : DRILLS.filter((drill) => !drill.onlyWhenNamed);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-drills-"));
  const env: Record<string, string> = {
    BOOCHAT_DRILLS_SCALE: args.scale ?? (process.env.BOOCHAT_DRILLS_SCALE === "full" ? "full" : "ci"),
    BOOCHAT_DRILLS_SOAK_MINUTES: String(args.minutes),
  };
  console.log(`drills at ${env.BOOCHAT_DRILLS_SCALE} scale, seed ${process.env.BOOCHAT_DRILLS_SEED ?? "19"}; logs in ${logDir}`);
  const verdicts: Verdict[] = [];
  for (const drill of chosen) verdicts.push(...(await runDrill(drill, env, logDir)));
  const count = (verdict: Verdict) => verdicts.filter((one) => one === verdict).length;
  console.log(`${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped`);
  process.exitCode = count("failed") > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
