import { execa } from "execa";
import type { AuditLog } from "./audit-log";

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

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Renders argv the way a POSIX shell would need it typed, for humans reading the audit log. */
export function shellEscape(argv: readonly string[]): string {
  return argv.map((arg) => (SAFE_WORD.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** The variables worth auditing (the hardening travels in GIT_CONFIG_*): all but PATH and HOME, the same for every call. */
function auditedEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== "PATH" && key !== "HOME"));
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
    audit.record({ ts: new Date().toISOString(), argv: shellEscape(argv), env: auditedEnv(options.env), cwd: options.cwd, exitCode, ms });
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
