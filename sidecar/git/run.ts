import { stat } from "node:fs/promises";
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
  /** where git and the sidecar put temporary files (TMPDIR): writable under the systemd unit */
  tempDir: string;
};

/**
 * The drivers a repository and its submodules define, by name (read by repo-guard.ts). Git has no
 * switch for "no drivers at all", so each one is switched off by name on every call that could run it.
 */
export type RepoGuard = { filters: readonly string[]; merges: readonly string[]; diffs: readonly string[] };

/** For calls that never run a driver (rev-parse, config, ls-files, rev-list, worktree list, ...). */
export const NO_DRIVERS: RepoGuard = { filters: [], merges: [], diffs: [] };

/** A command value that runs nothing: a shell builtin that fails, or, exec'd directly, no such program. */
const REFUSE = "exit 1";

const DISK_FULL_WORDS = /no space left on device|out of diskspace|disk quota exceeded/i;

export class GitError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** git ran out of disk space: the host's to fix, not the worktree's state (the sidecar answers 507). */
  readonly diskFull: boolean;
  /**
   * git could not start because its folder no longer exists: a remove of the same worktree finished
   * while this request ran (the sidecar answers 409 not-a-worktree, what a serial order answers).
   */
  readonly folderGone: boolean;
  constructor(args: readonly string[], result: ExecResult, folderGone = false) {
    const subcommand = args.slice(0, 2).join(" ");
    const lines = result.stderr.split("\n").map((line) => line.trim()).filter((line) => line !== "");
    // git's own verdict ("fatal: ...", "error: ...") rather than progress chatter such as "Preparing worktree".
    const verdict = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1);
    // git words a full disk several ways ("No space left on device", "write error. Out of diskspace").
    const diskFull = !result.timedOut && DISK_FULL_WORDS.test(result.stderr);
    const detail = result.timedOut
      ? `timed out after ${result.ms} ms`
      : diskFull
        ? `the disk is full (no space left on device): ${verdict ?? ""}`
        : (verdict ?? `exit code ${String(result.exitCode)}`);
    super(`git ${subcommand} failed: ${detail}`);
    this.name = "GitError";
    this.argv = args;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.timedOut = result.timedOut;
    this.diskFull = diskFull;
    this.folderGone = folderGone;
  }
}

/**
 * Why git could not even start in `dir`, when the reason is the folder itself: "file" when the path is
 * no folder (a file named as a worktree or a repository), "gone" when it vanished meanwhile (a remove
 * of the same worktree finished first, found by the concurrency drill). Either way the path is in no
 * repository: an answer rather than a failure. null for any other failure.
 */
export async function whyGitCouldNotStartIn(error: unknown, dir: string): Promise<"file" | "gone" | null> {
  if (!(error instanceof GitError) || error.exitCode !== null || error.timedOut) return null;
  if (error.folderGone) return "gone";
  return stat(dir).then(
    (found) => (found.isDirectory() ? null : "file"),
    () => null,
  );
}

export type ConfigOverride = readonly [key: string, value: string];

/**
 * Config that switches off every command a repository could make git run during the sidecar's calls:
 * fsmonitor, hooks, filter/merge/diff drivers by name, pagers, editors, credential, ssh and gpg
 * programs, transports, user excludes/attributes files, auto-gc. Applied at command-line scope, so
 * it beats every repository file and reaches the git processes git starts for submodules.
 */
export function hardenedConfig(dir: string, guard: RepoGuard): ConfigOverride[] {
  const config: ConfigOverride[] = [
    ["core.fsmonitor", "false"],
    ["core.hooksPath", "/dev/null"],
    ["safe.directory", dir],
    ["protocol.allow", "never"],
    ["core.excludesFile", "/dev/null"],
    ["core.attributesFile", "/dev/null"],
    ["core.pager", "cat"],
    ["core.editor", REFUSE],
    ["sequence.editor", REFUSE],
    ["core.askPass", ""],
    // An empty value empties the list of helpers configured so far (command-line scope comes last).
    ["credential.helper", ""],
    ["core.sshCommand", REFUSE],
    ["gpg.program", REFUSE],
    ["gpg.ssh.program", REFUSE],
    ["gpg.x509.program", REFUSE],
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["log.showSignature", "false"],
    // Files git adds or stashes for the sidecar never get the assume-unchanged bit that hides later edits.
    ["core.ignoreStat", "false"],
    ["diff.external", REFUSE],
    // Nested submodules' own status runs must not hide changes either.
    ["diff.ignoreSubmodules", "none"],
    ["submodule.recurse", "false"],
    ["gc.auto", "0"],
    ["maintenance.auto", "false"],
  ];
  for (const name of guard.filters) {
    // An empty command means "no filter" to git; required=false keeps a missing one from failing.
    config.push([`filter.${name}.clean`, ""], [`filter.${name}.smudge`, ""], [`filter.${name}.process`, ""], [`filter.${name}.required`, "false"]);
  }
  for (const name of guard.merges) {
    // A driver that fails makes the file a conflict: merge-tree then says "not merged", the cautious answer.
    config.push([`merge.${name}.driver`, REFUSE], [`merge.${name}.recursive`, "binary"]);
  }
  for (const name of guard.diffs) {
    config.push([`diff.${name}.command`, REFUSE], [`diff.${name}.textconv`, REFUSE], [`diff.${name}.cachetextconv`, "false"]);
  }
  return config;
}

/**
 * Config as GIT_CONFIG_COUNT/KEY_n/VALUE_n rather than `-c key=value`: git splits `-c` at the first
 * `=`, so a driver whose name holds one (`filter=a=b` is valid in .gitattributes) would escape it.
 */
export function configEnv(config: readonly ConfigOverride[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** A fresh environment: no inherited GIT_*, no user or system config, no prompts, no optional locks. */
export function hardenedGitEnv(ctx: GitContext, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: ctx.basePath,
    HOME: ctx.home,
    TMPDIR: ctx.tempDir,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_CEILING_DIRECTORIES: path.dirname(ctx.worktreeRoot),
    GIT_PAGER: "cat",
    GIT_EDITOR: REFUSE,
    GIT_SEQUENCE_EDITOR: REFUSE,
    ...extra,
  };
}

/** `git -C <dir> --no-optional-locks <args>`: the switches that matter travel in the environment. */
export function hardenedGitArgv(dir: string, args: readonly string[]): string[] {
  return ["git", "-C", dir, "--no-optional-locks", ...args];
}

export type GitRunOptions = {
  /** the repository's drivers to switch off; required by every function whose command may run one */
  guard?: RepoGuard;
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for "not found"). */
  okExitCodes?: readonly number[];
  /**
   * The sidecar's own additions, applied after the hardening (so they win): only ever fixed values or
   * the host's settings, never anything read from a repository (the network calls widen protocol.allow
   * and name ssh and the credential helper; the diff asks for unquoted paths).
   */
  config?: readonly ConfigOverride[];
  /** Standard output streamed instead of collected; returning false stops git (a success, `stopped`). */
  onStdout?: (chunk: Buffer) => boolean;
  /** longer than the usual timeout (network calls) */
  timeoutMs?: number;
};

/** Runs one hardened git call in `dir`; throws GitError unless the exit code is 0 or listed as ok. */
export async function runGit(ctx: GitContext, dir: string, args: readonly string[], options: GitRunOptions = {}): Promise<ExecResult> {
  const config = configEnv([...hardenedConfig(dir, options.guard ?? NO_DRIVERS), ...(options.config ?? [])]);
  const result = await ctx.exec(hardenedGitArgv(dir, args), {
    cwd: dir,
    timeoutMs: options.timeoutMs ?? ctx.timeoutMs,
    // The caller's variables first: nothing it passes can replace the hardening.
    env: { ...options.env, ...hardenedGitEnv(ctx), ...config },
    input: options.input,
    onStdout: options.onStdout,
  });
  const ok = result.stopped || result.exitCode === 0 || (result.exitCode !== null && (options.okExitCodes ?? []).includes(result.exitCode));
  if (!ok || result.timedOut) throw new GitError(args, result, await neverStartedForGoneFolder(result, dir));
  return result;
}

/** True when git never started (spawn failed) and its folder is gone: the one failure a concurrent remove explains. */
async function neverStartedForGoneFolder(result: ExecResult, dir: string): Promise<boolean> {
  if (result.exitCode !== null || result.timedOut || result.stopped) return false;
  return stat(dir).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === "ENOENT",
  );
}

/** Splits `-z` output into its NUL-terminated records. */
export function splitNul(output: string): string[] {
  const parts = output.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}
