import { randomBytes } from "node:crypto";
import type { ZodError } from "zod";
import type { RiskReport } from "./schemas/risk-report";
import type { RunningTask } from "./schemas/session";

/** The error codes services may throw; each maps to the tRPC code of the same name. */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "SERVICE_UNAVAILABLE"
  | "TIMEOUT"
  | "TOO_MANY_REQUESTS"
  | "BAD_GATEWAY"
  | "INTERNAL_SERVER_ERROR";

/** Domain data carried to the client in `error.data`. */
export type AppErrorData = {
  riskReports?: RiskReport[];
  /** The agents that keep a session from being deleted (beside riskReports, which may be empty). */
  runningTasks?: RunningTask[];
  /** The files a refused merge conflicts in. */
  conflicts?: string[];
};

/** Marks every AppError, whichever copy of this module made it. */
const APP_ERROR = Symbol.for("boochat.AppError");

/**
 * The one error type services throw. The tRPC layer maps it to a TRPCError once
 * (server/trpc/init.ts), so messages reach the user in words and never as a stack trace.
 *
 * `instanceof AppError` recognises it by a brand, not by class identity: Next.js bundles the
 * agent runtime (started from instrumentation.ts) and the route handlers separately, so an
 * AppError thrown by the runtime comes from another copy of this class. Without the brand, a busy
 * tab's CONFLICT reached the browser as an internal error (500).
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly data: AppErrorData;
  readonly [APP_ERROR] = true;

  constructor(code: AppErrorCode, message: string, data: AppErrorData = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.data = data;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }
}

/**
 * A full disk, said in words the user can act on instead of an internal error: SQLite's SQLITE_FULL
 * ("database or disk is full", through Prisma's adapter) for the database, ENOSPC for any other file.
 * Follows `cause` a few levels, since Prisma and tRPC wrap the driver's error.
 */
export function diskFullError(error: unknown): AppError | null {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth += 1) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    const text = typeof message === "string" ? message : "";
    if (code === "SQLITE_FULL" || /database or disk is full|SQLITE_FULL/i.test(text)) {
      return new AppError("SERVICE_UNAVAILABLE", "BooChat could not write its database: the disk is full. Free some space and try again");
    }
    if (code === "ENOSPC" || /ENOSPC|no space left on device/i.test(text)) {
      return new AppError("SERVICE_UNAVAILABLE", "BooChat could not write a file: the disk is full (no space left on device). Free some space and try again");
    }
  }
  return null;
}

export function notFound(what: string, id: string): AppError {
  return new AppError("NOT_FOUND", `${what} ${id} does not exist`);
}

/**
 * "title: must not be empty" for each field that failed validation, joined by "; ": the one way
 * BooChat words a zod error (tRPC input, MCP tools, the settings file). `root` names a failure of
 * the whole value.
 */
export function describeZodError(error: ZodError, root = "input"): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : root;
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

/**
 * What a client is told of an error that is not an AppError (a bug, a library's failure): a
 * reference only. The details go to the server's log under that reference, never to the client.
 */
export function internalErrorMessage(error: unknown, where: string): string {
  const ref = randomBytes(4).toString("hex");
  console.error(`[${where}] internal error (ref ${ref}):`, error);
  return `Internal error (ref ${ref})`;
}
