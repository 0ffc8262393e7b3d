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
