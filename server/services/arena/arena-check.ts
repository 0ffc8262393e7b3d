import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { runExternalAgent } from "../../agents/external/external-agent";
import { describeZodError } from "../../errors";

/** `.boochat/arena.json` in the repository: the command that judges an entry, e.g. `{ "check": ["npm", "test"] }`. */
export const ARENA_CHECK_FILE = path.join(".boochat", "arena.json");
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 600;
const TAIL_CHARS = 4_000;

const arenaCheckSchema = z
  .object({
    check: z.array(z.string().min(1, "must not contain empty arguments")).min(1, "must name the program to run"),
    timeoutSeconds: z.number().int().min(1).max(3_600).optional(),
  })
  .strict();

export type ArenaCheck = { argv: string[]; timeoutMs: number };

/**
 * The entry's check, from its own worktree's `.boochat/arena.json`; null when there is none (the
 * check is off unless the file exists). A file that cannot be used is an Error that says why.
 */
export async function readArenaCheck(worktree: string): Promise<ArenaCheck | null> {
  const file = path.join(worktree, ARENA_CHECK_FILE);
  let text: string;
  try {
    // Read as a plain file of the worktree: a symbolic link out of it is not followed.
    const stat = await fs.lstat(file);
    if (!stat.isFile()) throw new Error(`${ARENA_CHECK_FILE} is not a regular file`);
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${ARENA_CHECK_FILE} is not valid JSON`);
  }
  const parsed = arenaCheckSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${ARENA_CHECK_FILE} is invalid: ${describeZodError(parsed.error)}`);
  return { argv: parsed.data.check, timeoutMs: (parsed.data.timeoutSeconds ?? DEFAULT_CHECK_TIMEOUT_SECONDS) * 1_000 };
}

export type CheckOutcome = { status: "passed" | "failed" | "timed-out"; exitCode: number | null; tail: string };

/**
 * Runs the check in the entry's worktree as an external agent runs: argv only (no shell), the
 * allowlisted environment with none of BooChat's secrets, and at the time limit its whole process
 * group is stopped (SIGTERM, then SIGKILL). It is repository code, so BooChat runs it here, never
 * the sidecar.
 */
export async function runArenaCheck(
  check: ArenaCheck,
  worktree: string,
  options: { killGraceMs?: number; /** Ends it as the time limit would (tests). */ limit?: AbortSignal } = {},
): Promise<CheckOutcome> {
  let tail = "";
  const signal = options.limit ? AbortSignal.any([AbortSignal.timeout(check.timeoutMs), options.limit]) : AbortSignal.timeout(check.timeoutMs);
  const result = await runExternalAgent({
    agent: { name: "arena-check", command: check.argv, prompt: "stdin", env: {} },
    prompt: "",
    cwd: worktree,
    signal,
    killGraceMs: options.killGraceMs,
    onOutput: (_stream, text) => {
      tail = (tail + text).slice(-TAIL_CHARS);
    },
  });
  if (result.cancelled) return { status: "timed-out", exitCode: result.exitCode, tail: `${tail}\n(stopped after ${Math.round(check.timeoutMs / 1000)} s)`.trimStart() };
  return { status: result.exitCode === 0 ? "passed" : "failed", exitCode: result.exitCode, tail };
}
