import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { chromium, type Browser } from "@playwright/test";
import { createDb, type Db } from "../server/db";
import { pageSessions } from "../server/services/session/page-sessions";

/**
 * `npm run bench -- sessions [--runs=7]`: the sidebar at 100 and at 10,000 sessions. Two figures,
 * each as a ratio of the large database to the small one (target: at most 1.5):
 * - the first `session.page` (the sidebar's first request), in-process on the seeded database;
 * - the time until the sidebar shows its first session in real Chromium, against the built app
 *   started the way playwright.config.ts starts it (scripts/start.mjs on a scratch database).
 * Needs `npx next build` first. Everything it starts is stopped at the end.
 */

const SMALL = 100;
const LARGE = 10_000;
const PORT = 3217;
const SIDECAR_PORT = 4417;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** `count` sessions spread over a year, one in ten with a worktree row, every fifth of those an arena with two entries. */
async function seed(db: Db, count: number): Promise<void> {
  const start = Date.now() - 365 * 24 * 3600 * 1000;
  const step = (365 * 24 * 3600 * 1000) / count;
  for (let from = 0; from < count; from += 500) {
    const rows = Array.from({ length: Math.min(500, count - from) }, (_, k) => {
      const i = from + k;
      return { id: `bench${String(i).padStart(6, "0")}`, title: `Bench session ${i}`, createdAt: new Date(start + i * step), updatedAt: new Date(start + i * step) };
    });
    await db.session.createMany({ data: rows });
    const withWorktree = rows.filter((_, k) => (from + k) % 10 === 0);
    await db.worktree.createMany({
      data: withWorktree.map((r) => ({ sessionId: r.id, repoPath: "/nonexistent/repo", path: `/nonexistent/worktrees/${r.id}`, branch: `boochat/${r.id}` })),
    });
  }
}

async function scratchDatabase(base: string, name: string, count: number): Promise<{ url: string; db: Db }> {
  const url = `file:${path.join(base, `${name}.db`)}`;
  await execa("prisma", ["migrate", "deploy"], { cwd: path.resolve(import.meta.dirname, ".."), preferLocal: true, env: { DATABASE_URL: url } });
  const db = createDb(url);
  await seed(db, count);
  return { url, db };
}

/** The first page as the sidebar asks for it, checked. */
async function firstPage(db: Db): Promise<void> {
  const page = await pageSessions(db, { limit: 50 });
  if (page.items.length !== 50) throw new Error(`the first page held ${page.items.length} sessions, not 50`);
}

/**
 * The median time of the first page on each database, measured in turns (small, large, small, …)
 * after warm-ups on both, so neither pays for the other's warm-up or a busy moment of the machine.
 */
async function timeFirstPages(small: Db, large: Db, runs: number): Promise<{ small: number; large: number }> {
  for (let i = 0; i < 20; i += 1) await Promise.all([firstPage(small), firstPage(large)]);
  const times = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < runs; i += 1) {
    for (const [name, db] of [["small", small], ["large", large]] as const) {
      const started = performance.now();
      await firstPage(db);
      times[name].push(performance.now() - started);
    }
  }
  return { small: median(times.small), large: median(times.large) };
}

async function startApp(base: string, name: string, databaseUrl: string): Promise<{ child: ChildProcess; dataDir: string }> {
  const dir = path.join(base, name);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("BOOCHAT_") || key === "DATABASE_URL" || key === "HOST") delete env[key];
  Object.assign(env, {
    PORT: String(PORT),
    DATABASE_URL: databaseUrl,
    BOOCHAT_DATA_DIR: path.join(dir, "data"),
    BOOCHAT_WORKTREE_ROOT: path.join(dir, "worktrees"),
    BOOCHAT_SCRATCH_DIR: path.join(dir, "scratch"),
    BOOCHAT_SIDECAR_PORT: String(SIDECAR_PORT),
    NEXT_TELEMETRY_DISABLED: "1",
  });
  const child = spawn(process.execPath, ["scripts/start.mjs", "--skip-install", "--skip-build"], { cwd: path.resolve(import.meta.dirname, ".."), env, stdio: "ignore" });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok) return { child, dataDir: path.join(dir, "data") };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill("SIGTERM");
  throw new Error("the app did not answer /api/health within 120 s");
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
}

/**
 * The median time from navigation to the sidebar's first session on screen, in a signed-in
 * Chromium; and the median of its session.page request alone (start to end of the response).
 */
async function timeSidebar(browser: Browser, dataDir: string, runs: number): Promise<{ shown: number; request: number }> {
  const token = (await fs.readFile(path.join(dataDir, "api-token"), "utf8")).trim();
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}`, viewport: { width: 1280, height: 800 } });
  await context.request.get(`/sign-in?token=${encodeURIComponent(token)}`, { maxRedirects: 0 });
  const times: number[] = [];
  const requests: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i += 1) {
      const page = await context.newPage();
      const pageRequest = page.waitForEvent("requestfinished", { predicate: (r) => r.url().includes("session.page"), timeout: 60_000 });
      const started = performance.now();
      await page.goto("/", { waitUntil: "commit" });
      await page.getByRole("navigation", { name: "Sessions" }).getByRole("listitem").first().waitFor({ timeout: 60_000 });
      const shown = performance.now() - started;
      const timing = (await pageRequest).timing();
      if (i >= 1) {
        times.push(shown);
        requests.push(timing.responseEnd - timing.requestStart);
      }
      await page.close();
    }
  } finally {
    await context.close();
  }
  return { shown: median(times), request: median(requests) };
}

export async function run(args: string[]): Promise<void> {
  const runs = Math.max(3, Number(args.find((a) => a.startsWith("--runs="))?.split("=")[1] ?? 9));
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-bench-sessions-"));
  const browser = await chromium.launch({ executablePath: process.env.BOOCHAT_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const figures: Record<string, { page: number; sidebar: { shown: number; request: number } }> = {};
  try {
    console.log(`seeding ${SMALL} and ${LARGE} sessions…`);
    const small = await scratchDatabase(base, "small", SMALL);
    const large = await scratchDatabase(base, "large", LARGE);
    const pages = await timeFirstPages(small.db, large.db, runs * 10);
    await small.db.$disconnect();
    await large.db.$disconnect();
    for (const [name, count, url] of [["small", SMALL, small.url], ["large", LARGE, large.url]] as const) {
      console.log(`starting the built app on ${count} sessions…`);
      const app = await startApp(base, name, url);
      try {
        figures[name] = { page: pages[name], sidebar: await timeSidebar(browser, app.dataDir, runs) };
      } finally {
        await stopApp(app.child);
      }
      const sidebar = figures[name]?.sidebar;
      console.log(
        `${count} sessions: first session.page ${pages[name].toFixed(2)} ms in-process; in Chromium its request ${sidebar?.request.toFixed(0)} ms, the sidebar shown after ${sidebar?.shown.toFixed(0)} ms (medians)`,
      );
    }
  } finally {
    await browser.close();
    await fs.rm(base, { recursive: true, force: true });
  }
  const small = figures.small;
  const large = figures.large;
  if (!small || !large) throw new Error("a figure is missing");
  const pageRatio = large.page / small.page;
  const sidebarRatio = large.sidebar.shown / small.sidebar.shown;
  console.log(`session.page at ${LARGE} / at ${SMALL}: ratio ${pageRatio.toFixed(2)} (target ≤ 1.5)`);
  console.log(`sidebar shown at ${LARGE} / at ${SMALL}: ratio ${sidebarRatio.toFixed(2)} (target ≤ 1.5)`);
}
