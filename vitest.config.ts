import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["app/**/*.test.ts", "server/**/*.test.ts", "sidecar/**/*.test.ts", "tests/**/*.test.ts", "cli/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Test files share one worker process and its loaded modules: starting a fresh process per file
    // cost about 3 s each (about 200 s of a CI run on 2 cores). Every file must therefore put back
    // what it changes (vi.stubEnv is undone per file; servers and processes are stopped).
    isolate: false,
  },
});
