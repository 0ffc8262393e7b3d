import { spawn } from "node:child_process";
import { copyFile, mkdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * What the sidecar benchmarks share: one HTTP call whose git commands are read back from the audit
 * log, and the floor: the very same commands, argv and environment, run one after the other by the
 * plainest spawn node has, so the sidecar's own overhead (HTTP, JSON, node, its exec) is all in the ratio.
 */

export type GitCall = { argv: string[]; env: Record<string, string> };

/** Inverse of sidecar/exec.ts shellEscape: bare words and '...' with '\'' for a quote. */
export function shellUnescape(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (char === "\\" && line[i + 1] === "'") {
      word += "'";
      inWord = true;
      i += 1;
    } else if (char === " ") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
export const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function auditSize(sidecar: SidecarProcess): Promise<number> {
  return stat(sidecar.auditLogPath).then(
    (s) => s.size,
    () => 0,
  );
}

/** One POST; its time, its answer and the git calls it ran (the audit log must not rotate during the run). */
export async function requestWithCalls<T>(sidecar: SidecarProcess, route: string, body: unknown): Promise<{ ms: number; body: T; calls: GitCall[] }> {
  const before = await auditSize(sidecar);
  const { ms: took, value } = await timed(() => sidecar.request<T>("POST", route, body));
  if (value.status !== 200) throw new Error(`${route} answered ${value.status}: ${JSON.stringify(value.body).slice(0, 500)}`);
  const log = (await readFile(sidecar.auditLogPath)).subarray(before).toString("utf8");
  const calls = log
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { argv: string; env: Record<string, string> })
    .map((entry) => ({ argv: shellUnescape(entry.argv), env: entry.env }));
  return { ms: took, body: value.body, calls };
}

function runOne(argv: readonly string[], cwd: string, env: Record<string, string>): Promise<void> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    // Next's types make NODE_ENV a required key of ProcessEnv; git must get exactly the sidecar's environment.
    const child = spawn(file ?? "git", args, { cwd, env: env as unknown as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.stdin.on("error", () => undefined);
    child.stdin.end();
    child.on("close", () => resolve());
    child.on("error", () => resolve());
  });
}

/** What the floor's commands expect on disk, made before and removed after them (both untimed). */
export type FloorSetup = { prepare(): Promise<void>; cleanup(): Promise<void> };

/** The floor: the same commands back to back, timed. */
export async function floorOnce(calls: readonly GitCall[], base: { PATH: string; HOME: string }, setup?: FloorSetup): Promise<number> {
  await setup?.prepare();
  try {
    const start = performance.now();
    for (const { argv, env } of calls) await runOne(argv, argv[2] ?? "/", { ...base, ...env });
    return performance.now() - start;
  } finally {
    await setup?.cleanup();
  }
}

/** For a replay of the diff: the snapshot index and scratch object folder its calls name, as the sidecar made them. */
export function snapshotSetup(calls: readonly GitCall[], worktreeIndex: string): FloorSetup {
  const index = calls.map((call) => call.env.GIT_INDEX_FILE).find((value) => value !== undefined);
  const objects = calls.map((call) => call.env.GIT_OBJECT_DIRECTORY).find((value) => value !== undefined);
  // The sidecar's scratch folder, which it had removed: the floor's copy goes too.
  const scratch = index ? path.dirname(index) : objects ? path.dirname(objects) : null;
  const prepare = async () => {
    if (objects) await mkdir(objects, { recursive: true });
    if (index) {
      // As the sidecar copies it: the original's modification time, a millisecond earlier.
      await mkdir(path.dirname(index), { recursive: true });
      await copyFile(worktreeIndex, index);
      const mtime = ((await stat(worktreeIndex)).mtimeMs - 1) / 1000;
      await utimes(index, mtime, mtime);
    }
  };
  return { prepare, cleanup: async () => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined) };
}

export async function generateFiles(root: string, files: number): Promise<void> {
  const perDir = 100;
  for (let d = 0; d < Math.ceil(files / perDir); d += 1) {
    const dir = path.join(root, "src", `m${String(Math.floor(d / 100)).padStart(3, "0")}`, `d${String(d).padStart(4, "0")}`);
    await mkdir(dir, { recursive: true });
    const count = Math.min(perDir, files - d * perDir);
    await Promise.all(Array.from({ length: count }, (_, f) => writeFile(path.join(dir, `f${f}.txt`), `file ${d}/${f}\n`)));
  }
}
