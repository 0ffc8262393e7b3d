import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/** One program run: argv rendered for a shell, the variables it got (PATH and HOME aside), where, how it ended. */
export type AuditEntry = { ts: string; argv: string; env: Record<string, string>; cwd: string; exitCode: number | null; ms: number };

export type AuditLog = {
  readonly path: string;
  record(entry: AuditEntry): void;
  close(): void;
};

export type AuditLimits = {
  /** a file is rotated before a line would take it past this size */
  maxBytes: number;
  /** rotated files kept: `<file>.1` (newest) to `<file>.<keep>` */
  keep: number;
};

export const DEFAULT_AUDIT_LIMITS: AuditLimits = { maxBytes: 10 * 1024 * 1024, keep: 5 };

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
}

/** `<file>` becomes `<file>.1`, `.1` becomes `.2`, ...; the oldest beyond `keep` is deleted. */
function rotate(file: string, keep: number): void {
  rmSync(`${file}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 1; n -= 1) renameIfPresent(`${file}.${n}`, `${file}.${n + 1}`);
  renameIfPresent(file, `${file}.1`);
}

/**
 * Appends one JSON line per call, rotated by size. Written synchronously on an open descriptor so that
 * a line is on disk before the HTTP answer that depends on the call goes out (tests and auditors read
 * it right after). Hand-written rather than a logging library: it is forty lines and has to be synchronous.
 */
export function openAuditLog(file: string, limits: AuditLimits = DEFAULT_AUDIT_LIMITS): AuditLog {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let fd: number | null = openSync(file, "a", 0o600);
  let size = fstatSync(fd).size;
  return {
    path: file,
    record(entry) {
      if (fd === null) return;
      const line = `${JSON.stringify(entry)}\n`;
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > limits.maxBytes) {
        closeSync(fd);
        rotate(file, limits.keep);
        fd = openSync(file, "a", 0o600);
        size = 0;
      }
      writeSync(fd, line);
      size += bytes;
    },
    close() {
      if (fd === null) return;
      closeSync(fd);
      fd = null;
    },
  };
}
