import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";

/** One program run: argv rendered for a shell, the variables it got (PATH and HOME aside), where, how it ended. */
export type AuditEntry = { ts: string; argv: string; env: Record<string, string>; cwd: string; exitCode: number | null; ms: number };

export type AuditLog = {
  readonly path: string;
  record(entry: AuditEntry): void;
  close(): void;
};

/**
 * Appends one JSON line per call. Written synchronously on an open descriptor so that a line is on
 * disk before the HTTP answer that depends on the call goes out (tests and auditors read it right after).
 */
export function openAuditLog(file: string): AuditLog {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
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
