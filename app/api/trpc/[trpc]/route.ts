import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createAppContext } from "@/server/context";
import { LIMITS } from "@/server/limits";
import { appRouter } from "@/server/trpc/routers/_app";

export const dynamic = "force-dynamic";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: LIMITS.trpcBatchSize,
    createContext: () => createAppContext(),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
