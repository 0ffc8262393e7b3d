import type { Route } from "./context";

export const healthzRoute: Route = {
  method: "GET",
  path: "/healthz",
  auth: false,
  handle: async (ctx) => ({ status: 200, body: { ok: true, version: ctx.version } }),
};
