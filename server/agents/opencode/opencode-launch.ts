import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { AppError } from "../../errors";
import { allowlistedEnvironment } from "../agent-environment";

/** How one `opencode serve` process is started: its binary, a free port, its environment. */

/** The opencode binary that ships with the `opencode-ai` npm package, for this platform. */
export function resolveOpencodeBinary(root = process.cwd()): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const exe = process.platform === "win32" ? "opencode.exe" : "opencode";
  const candidates = [
    path.join(root, "node_modules", `opencode-${platform}-${arch}`, "bin", exe),
    path.join(root, "node_modules", `opencode-${platform}-${arch}-baseline`, "bin", exe),
    path.join(root, "node_modules", "opencode-ai", "bin", "opencode.exe"),
    path.join(root, "node_modules", ".bin", "opencode"),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new AppError("SERVICE_UNAVAILABLE", "The opencode binary is not installed (npm package opencode-ai): run npm install");
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment opencode runs with: its own XDG folders, offline and quiet, nothing inherited but the allowlist. */
export function opencodeEnvironment(options: { dataDir: string; password: string; config: Record<string, unknown>; extra?: Record<string, string> }) {
  const home = path.join(options.dataDir, "opencode");
  const dirs = {
    HOME: path.join(home, "home"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_STATE_HOME: path.join(home, "state"),
  };
  // 0700: opencode keeps conversations and credentials here (the data folder too, if this creates it).
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const inherited = allowlistedEnvironment();
  return {
    NODE_ENV: "production" as const,
    ...inherited,
    LANG: inherited.LANG ?? "C.UTF-8",
    TMPDIR: inherited.TMPDIR ?? "/tmp",
    ...dirs,
    OPENCODE_SERVER_PASSWORD: options.password,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(options.config),
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_TERMINAL_TITLE: "1",
    ...options.extra,
  };
}

/**
 * Starts `opencode serve` on 127.0.0.1:`port` as the leader of its own process group (stopping
 * the group stops whatever it started). Its output goes to `log`; the last lines are kept, to say
 * why it failed to start.
 */
export function spawnOpencode(options: { binary: string; port: number; env: ReturnType<typeof opencodeEnvironment>; log: (line: string) => void }): {
  proc: ChildProcess;
  lastLines: () => string;
} {
  const proc = spawn(options.binary, ["serve", "--hostname", "127.0.0.1", "--port", String(options.port)], {
    cwd: options.env.HOME,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.log(`opencode: ${line}`);
    }
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  return { proc, lastLines: () => tail.slice(-3).join(" | ") };
}
