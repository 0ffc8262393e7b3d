import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";

/** What one program run gave back. `exitCode` is null when it never started or was killed. */
export type ExecResult = {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
};

export type HostExecOptions = {
  cwd: string;
  timeoutMs: number;
  /** The complete environment: nothing is inherited from the sidecar's own. */
  env: Record<string, string>;
  input?: string;
};

/** The sidecar's one way to run a program: argv only, never a shell. */
export type HostExec = (argv: readonly string[], options: HostExecOptions) => Promise<ExecResult>;

export type AuditEntry = { ts: string; argv: string; cwd: string; exitCode: number | null; ms: number };

export type AuditLog = {
  readonly path: string;
  record(entry: AuditEntry): void;
  close(): void;
};

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Renders argv the way a POSIX shell would need it typed, for humans reading the audit log. */
export function shellEscape(argv: readonly string[]): string {
  return argv.map((arg) => (SAFE_WORD.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/**
 * Appends one JSON line per call. Written synchronously on an open descriptor so that a line is on
 * disk before the HTTP answer that depends on the call goes out (tests and auditors read it right after).
 */
export function openAuditLog(file: string): AuditLog {
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number | null = openSync(file, "a", 0o600);
  return {
    path: file,
    record(entry) {
      if (fd === null) return;
      writeSync(fd, `${JSON.stringify(entry)}\n`);
    },
    close() {
      if (fd === null) return;
      closeSync(fd);
      fd = null;
    },
  };
}

export function createHostExec(audit: AuditLog): HostExec {
  return async (argv, options) => {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error("hostExec needs a program to run");
    const started = performance.now();
    const result = await execa(file, args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
      shell: false,
      timeout: options.timeoutMs,
      forceKillAfterDelay: 2_000,
      reject: false,
      stripFinalNewline: false,
      ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const exitCode = typeof result.exitCode === "number" ? result.exitCode : null;
    audit.record({ ts: new Date().toISOString(), argv: shellEscape(argv), cwd: options.cwd, exitCode, ms });
    return {
      exitCode,
      stdout: result.stdout ?? "",
      // A program that never started has no stderr: its spawn error says why.
      stderr: exitCode === null && !result.timedOut && !result.stderr ? (result.message ?? "the program did not start") : (result.stderr ?? ""),
      timedOut: result.timedOut,
      ms,
    };
  };
}
