import { TRPCError } from "@trpc/server";
import { createSidecarClient, type SidecarClient } from "../../server/sidecar-client";
import { createContextInner, type ContextDeps } from "../../server/trpc/init";
import { createCaller } from "../../server/trpc/routers/_app";
import type { Db } from "../../server/db";

/** A sidecar client aimed at a port nothing listens on: any call fails as "cannot be reached". */
export function unreachableSidecar(): SidecarClient {
  return createSidecarClient({ url: "http://127.0.0.1:9", token: "unused", timeoutMs: 2_000 });
}

/** The app router called directly (no HTTP) on a real database. */
export function callerFor(db: Db, deps: Partial<Omit<ContextDeps, "db">> = {}) {
  return createCaller(
    createContextInner({ db, sidecar: deps.sidecar ?? unreachableSidecar(), agents: deps.agents, riskTimeoutMs: deps.riskTimeoutMs }),
  );
}

/** The TRPCError a call ends with; fails the test if it succeeds or throws something else. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}
