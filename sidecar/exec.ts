import { spawn } from "node:child_process";
import { terminateGroup } from "../server/lib/process-group.mjs";
import type { AuditLog } from "./audit-log";

/** What one program run gave back. `exitCode` is null when it never started or was killed. */
export type ExecResult = {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** the caller's `onStdout` asked to stop: the program was ended on purpose, not failed */
  stopped: boolean;
  ms: number;
};

export type HostExecOptions = {
  cwd: string;
  timeoutMs: number;
  /** The complete environment: nothing is inherited from the sidecar's own. */
  env: Record<string, string>;
  input?: string;
  /**
   * Standard output chunk by chunk instead of collected (`stdout` is then empty): for output too large
   * to hold. Returning false ends the program (the result says `stopped`).
   */
  onStdout?: (chunk: Buffer) => boolean;
};

/** The sidecar's one way to run a program: argv only, never a shell. */
export type HostExec = (argv: readonly string[], options: HostExecOptions) => Promise<ExecResult>;

/** Collected standard output beyond this is a failure (the diff streams instead); stderr keeps its first part. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
const MAX_STDERR_BYTES = 1024 * 1024;
/** After SIGTERM, a program (and what it started: ssh under a push) gets this long before SIGKILL. */
const KILL_GRACE_MS = 2_000;

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Renders argv the way a POSIX shell would need it typed, for humans reading the audit log. */
export function shellEscape(argv: readonly string[]): string {
  return argv.map((arg) => (SAFE_WORD.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** The variables worth auditing (the hardening travels in GIT_CONFIG_*): all but PATH and HOME, the same for every call. */
function auditedEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== "PATH" && key !== "HOME"));
}

/**
 * Runs one program with node's own spawn. Hand-written rather than execa: the sidecar's checks are a
 * handful of short git calls each, and execa cost about 3.4 ms of the event loop's CPU per call here
 * against 1.3 ms for spawn (measured with process.cpuUsage, 100 calls of `git --version`), which was
 * most of the risk check's overhead over git itself. The program leads its own process group, so a
 * timeout ends what it started too.
 */
export function runProgram(argv: readonly string[], options: HostExecOptions): Promise<Omit<ExecResult, "ms">> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("hostExec needs a program to run"));
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        // Next's types make NODE_ENV a required key of ProcessEnv; the program gets exactly this environment.
        env: options.env as unknown as NodeJS.ProcessEnv,
        shell: false,
        detached: true,
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
    } catch (error) {
      // spawn throws at once (rather than emitting "error") when cwd is a file: ENOTDIR. Same answer as a
      // program that could not start, so callers see a failed git call, not a crash of the request.
      resolve({ exitCode: null, stdout: "", stderr: error instanceof Error ? error.message : String(error), timedOut: false, stopped: false });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let stopped = false;
    let tooLarge = false;
    let spawnError: Error | null = null;
    let ended = false;
    const end = () => {
      if (ended || child.pid === undefined) return;
      ended = true;
      terminateGroup(child.pid, KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      end();
    }, options.timeoutMs);

    child.stdout?.on("data", (chunk: Buffer) => {
      if (stopped || tooLarge) return;
      if (options.onStdout) {
        if (!options.onStdout(chunk)) {
          stopped = true;
          end();
        }
        return;
      }
      outBytes += chunk.length;
      if (outBytes > MAX_STDOUT_BYTES) {
        tooLarge = true;
        end();
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(chunk);
      errBytes += chunk.length;
    });
    // A program that exits without reading its input closes the pipe: that is its answer, not ours to fail on.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input);
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (code) => {
      // When it was ended, what it started (ssh under a push) still gets the SIGKILL after the grace.
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString("utf8");
      if (tooLarge) stderr = `its output was larger than ${MAX_STDOUT_BYTES} bytes\n${stderr}`;
      else if (spawnError !== null && stderr === "") stderr = spawnError.message;
      resolve({
        exitCode: typeof code === "number" && !tooLarge && spawnError === null ? code : null,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
        timedOut,
        stopped,
      });
    });
  });
}

export function createHostExec(audit: AuditLog): HostExec {
  return async (argv, options) => {
    const started = performance.now();
    const result = await runProgram(argv, options);
    const ms = Math.round((performance.now() - started) * 100) / 100;
    audit.record({ ts: new Date().toISOString(), argv: shellEscape(argv), env: auditedEnv(options.env), cwd: options.cwd, exitCode: result.exitCode, ms });
    return { ...result, ms };
  };
}
