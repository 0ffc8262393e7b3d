import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { AgentRuntime } from "../agents/runtime";
import type { Db } from "../db";
import { LIMITS } from "../limits";
import { AppError, describeZodError, diskFullError, internalErrorMessage, type AppErrorData } from "../errors";
import { asHostRouter } from "../hosts/host-router";
import type { SidecarClient } from "../sidecar-client";

export type ContextDeps = {
  db: Db;
  /** The hosts' router (server/hosts/host-router.ts), or one plain sidecar client: then the only host, `local`. */
  sidecar: SidecarClient;
  /** The agent runtime (server/agents/runtime.ts); absent in tests that do not run agents. */
  agents?: AgentRuntime;
  /** How long the delete gate waits for a risk check (default 5 s). */
  riskTimeoutMs?: number;
};

/** The context without HTTP in it: tests build it with a real database and call routers through createCaller. */
export function createContextInner(deps: ContextDeps) {
  return { db: deps.db, sidecar: asHostRouter(deps.sidecar), agents: deps.agents, riskTimeoutMs: deps.riskTimeoutMs ?? 5_000 };
}

export type Context = ReturnType<typeof createContextInner>;

/** tRPC's own words when a batch is over `maxBatchSize` (LIMITS.trpcBatchSize): reworded with the cap. */
const TRPC_BATCH_TOO_LARGE = "Batch call exceeds maximum size";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zodError = cause instanceof ZodError ? z.flattenError(cause) : null;
    const domain: AppErrorData = cause instanceof AppError ? cause.data : {};
    // Anything but an AppError, bad input or tRPC's own refusals (a malformed request) is a bug:
    // the client gets a reference, the log gets the details.
    const internal = shape.data.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof AppError);
    const message =
      cause instanceof ZodError
        ? `Invalid input: ${describeZodError(cause)}`
        : internal
          ? internalErrorMessage(cause ?? error, `trpc ${shape.data.path ?? ""}`.trim())
          : shape.message === TRPC_BATCH_TOO_LARGE
            ? `A request may batch at most ${LIMITS.trpcBatchSize} calls: send the rest in another request`
            : shape.message;
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, zodError, ...domain },
    };
  },
});

/** Maps every AppError thrown by a service to the TRPCError of the same code, once, here; bad input to words. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  // A full disk under the database is the user's to fix, so it is said in words, not as an internal error.
  const diskFull = result.ok ? null : diskFullError(result.error.cause);
  if (diskFull) throw new TRPCError({ code: diskFull.code, message: diskFull.message, cause: diskFull });
  // Bad input reads the same in-process (createCaller: MCP tools, tests) as over HTTP.
  if (!result.ok && result.error.cause instanceof ZodError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: "BAD_REQUEST", message: `Invalid input: ${describeZodError(cause)}`, cause });
  }
  return result;
});

/** A lone surrogate half matches \p{Cs} in a `u` regex; a proper pair is one code point and does not. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string in `value` that is not well-formed Unicode (a lone surrogate, which
 * JSON may carry as `\ud800`), or null. Walked with a stack: input nested thousands deep is no crash.
 */
export function illFormedStringPath(value: unknown): string | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: "" }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string };
    if (typeof current === "string") {
      if (LONE_SURROGATE.test(current)) return path || "input";
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: path ? `${path}.${index}` : String(index) }));
    } else if (typeof current === "object" && current !== null) {
      for (const [key, item] of Object.entries(current)) stack.push({ value: item, path: path ? `${path}.${key}` : key });
    }
  }
  return null;
}

/**
 * Text that is not well-formed Unicode is bad input: the database cannot store it (Prisma's query
 * JSON refuses a lone surrogate, which reached the client as an internal error, a 500).
 */
const wellFormedText = t.middleware(async ({ getRawInput, next }) => {
  const field = illFormedStringPath(await getRawInput());
  if (field !== null) throw new TRPCError({ code: "BAD_REQUEST", message: `Invalid input: ${field}: must be well-formed Unicode text (it holds a lone surrogate)` });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors).use(wellFormedText);
