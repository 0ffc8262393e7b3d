import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { stopGroup } from "../../server/lib/process-group.mjs";
import { testGitEnv } from "../helpers/git-repos";

/**
 * `git daemon` on 127.0.0.1 serving every repository under `basePath` (fetch and push): a network
 * transport for tests that stays offline. `url(name)` is `git://127.0.0.1:<port>/<name>`; `stop()`
 * ends it (and anything it started) and resolves once it has exited.
 */
export type GitDaemon = { port: number; url(name: string): string; stop(): Promise<void> };

/** git daemon ships with git itself, in its exec path (Debian: /usr/lib/git-core/git-daemon). */
const DAEMON = path.join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-daemon");

/** A port nothing listens on right now (the daemon binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startGitDaemon(options: { basePath: string; home: string }): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    DAEMON,
    ["--verbose", "--export-all", "--enable=receive-pack", "--reuseaddr", `--base-path=${options.basePath}`, "--listen=127.0.0.1", `--port=${port}`, options.basePath],
    // Next's types make NODE_ENV a required key of ProcessEnv; the daemon gets the tests' git environment only.
    { env: testGitEnv(options.home) as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("Ready to rumble")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`git daemon exited (${String(code)}) before it was ready:\n${output}`)));
    child.once("error", reject);
  });
  return {
    port,
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    stop: () => stopGroup(child, 2_000),
  };
}
