import path from "node:path";
import type { ExecResult, HostExec } from "../exec";

/** What every git call needs: the one exec, where discovery must stop, and how long a call may take. */
export type GitContext = {
  exec: HostExec;
  /** The worktree root (real path); git never looks for a repository above its parent. */
  worktreeRoot: string;
  timeoutMs: number;
  /** PATH and HOME handed to git; nothing else of the sidecar's environment is. */
  basePath: string;
  home: string;
};

/**
 * Config drivers whose commands a repository can name: filter drivers run on `status`, `stash` and
 * checkout; merge drivers run on `merge-tree`. Their names are read per repository and neutralised.
 */
export type DriverNames = { filters: readonly string[]; merges: readonly string[] };

export const NO_DRIVERS: DriverNames = { filters: [], merges: [] };

export class GitError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(args: readonly string[], result: ExecResult) {
    const subcommand = args.slice(0, 2).join(" ");
    const lines = result.stderr.split("\n").map((line) => line.trim()).filter((line) => line !== "");
    // git's own verdict ("fatal: ...", "error: ...") rather than progress chatter such as "Preparing worktree".
    const verdict = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1);
    const detail = result.timedOut ? `timed out after ${result.ms} ms` : (verdict ?? `exit code ${String(result.exitCode)}`);
    super(`git ${subcommand} failed: ${detail}`);
    this.name = "GitError";
    this.argv = args;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.timedOut = result.timedOut;
  }
}

/** A fresh environment: no inherited GIT_*, no user or system config, no prompts, no optional locks. */
export function hardenedGitEnv(ctx: GitContext, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: ctx.basePath,
    HOME: ctx.home,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_CEILING_DIRECTORIES: path.dirname(ctx.worktreeRoot),
    GIT_PAGER: "cat",
    GIT_EDITOR: "false",
    ...extra,
  };
}

/**
 * `git -C <dir>` with the repository's own code paths switched off: fsmonitor, hooks, filter and
 * merge drivers, transports, user excludes/attributes files, signing and auto-gc.
 */
export function hardenedGitArgv(dir: string, args: readonly string[], drivers: DriverNames = NO_DRIVERS): string[] {
  const config = [
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    `safe.directory=${dir}`,
    "protocol.allow=never",
    "core.excludesFile=/dev/null",
    "core.attributesFile=/dev/null",
    "core.pager=cat",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "log.showSignature=false",
    "gc.auto=0",
    "maintenance.auto=false",
  ];
  for (const name of drivers.filters) {
    // An empty command means "no filter" to git; required=false keeps a missing one from failing.
    config.push(`filter.${name}.clean=`, `filter.${name}.smudge=`, `filter.${name}.process=`, `filter.${name}.required=false`);
  }
  return ["git", "-C", dir, "--no-optional-locks", ...config.flatMap((entry) => ["-c", entry]), ...args];
}

export type GitRunOptions = {
  drivers?: DriverNames;
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for "not found"). */
  okExitCodes?: readonly number[];
};

/** Runs one hardened git call in `dir`; throws GitError unless the exit code is 0 or listed as ok. */
export async function runGit(ctx: GitContext, dir: string, args: readonly string[], options: GitRunOptions = {}): Promise<ExecResult> {
  const result = await ctx.exec(hardenedGitArgv(dir, args, options.drivers), {
    cwd: dir,
    timeoutMs: ctx.timeoutMs,
    env: hardenedGitEnv(ctx, options.env),
    input: options.input,
  });
  const ok = result.exitCode === 0 || (result.exitCode !== null && (options.okExitCodes ?? []).includes(result.exitCode));
  if (!ok || result.timedOut) throw new GitError(args, result);
  return result;
}

/** Splits `-z` output into its NUL-terminated records. */
export function splitNul(output: string): string[] {
  const parts = output.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}
