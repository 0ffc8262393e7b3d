import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// One scratch folder per run (database, data folder, worktree root), made by the main process and
// inherited by the workers through the environment, so every process sees the same one. Made here
// (a bare `npx playwright test`), it goes when the run's process exits, after the web servers
// stopped; `npm test` makes and removes its own.
if (!process.env.BOOCHAT_E2E_DIR) {
  const made = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-e2e-"));
  process.env.BOOCHAT_E2E_DIR = made;
  process.on("exit", () => fs.rmSync(made, { recursive: true, force: true }));
}
const e2eDir = process.env.BOOCHAT_E2E_DIR;
const port = Number(process.env.BOOCHAT_E2E_PORT ?? 3107);
const sidecarPort = Number(process.env.BOOCHAT_E2E_SIDECAR_PORT ?? 4397);
const modelPort = Number(process.env.BOOCHAT_E2E_MODEL_PORT ?? 4396);

export const e2eSettings = {
  dir: e2eDir,
  databaseUrl: `file:${path.join(e2eDir, "e2e.db")}`,
  dataDir: path.join(e2eDir, "data"),
  worktreeRoot: path.join(e2eDir, "worktrees"),
  sidecarUrl: `http://127.0.0.1:${sidecarPort}`,
  token: "e2e-sidecar-token",
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results/playwright",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.BOOCHAT_CHROMIUM ?? "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
    },
  ],
  webServer: [
    {
      // The model provider the app's opencode talks to: a scripted OpenAI-compatible server.
      command: "node --import tsx e2e/support/scripted-model-main.ts",
      port: modelPort,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { BOOCHAT_E2E_MODEL_PORT: String(modelPort) },
    },
    {
      // The real start path against the built app: migrate the e2e database, start the sidecar and `next start`.
      command: "node scripts/start.mjs --skip-install --skip-build",
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      env: {
        PORT: String(port),
        DATABASE_URL: e2eSettings.databaseUrl,
        BOOCHAT_DATA_DIR: e2eSettings.dataDir,
        BOOCHAT_WORKTREE_ROOT: e2eSettings.worktreeRoot,
        BOOCHAT_SCRATCH_DIR: path.join(e2eDir, "scratch"),
        BOOCHAT_SIDECAR_PORT: String(sidecarPort),
        BOOCHAT_SIDECAR_TOKEN: e2eSettings.token,
        BOOCHAT_RISK_TIMEOUT_MS: "2000",
        BOOCHAT_MODEL_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
        BOOCHAT_MODEL: "mock-1",
        BOOCHAT_MODEL_API_KEY: "e2e",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  ],
});
