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
  | "INTERNAL_SERVER_ERROR";

/** Domain data carried to the client in `error.data`. */
export type AppErrorData = {
  riskReports?: RiskReport[];
  /** The agents that keep a session from being deleted (beside riskReports, which may be empty). */
  runningTasks?: RunningTask[];
};

/**
 * The one error type services throw. The tRPC layer maps it to a TRPCError once
 * (server/trpc/init.ts), so messages reach the user in words and never as a stack trace.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly data: AppErrorData;

  constructor(code: AppErrorCode, message: string, data: AppErrorData = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.data = data;
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError("NOT_FOUND", `${what} ${id} does not exist`);
}

/** "title: must not be empty" for each input field that failed validation, joined by "; ". */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join(".") : "input";
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}
