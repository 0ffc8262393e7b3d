import type { Route } from "./context";

export const healthzRoute: Route = {
  method: "GET",
  path: "/healthz",
  auth: false,
  // Says only that it is up: the version would tell a scanner which weaknesses to try.
  handle: async () => ({ status: 200, body: { ok: true } }),
};
