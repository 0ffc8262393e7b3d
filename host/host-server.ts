import type http from "node:http";
import type { NetworkSettings } from "../sidecar/git/network";
import type { GitContext } from "../sidecar/git/run";
import { HttpError } from "../sidecar/errors";
import { createSidecarServer, errorBody, readJsonBody, sendJson } from "../sidecar/server";
import type { AgentRuns } from "./agent-runs";
import { configureOpencode, hostStatus, listWorktreeSkills, makeScratch, probeRepository, type HostIdentity } from "./host-routes";
import type { OpencodeHost } from "./opencode-host";
import { proxyToOpencode } from "./opencode-proxy";

/**
 * The host service's HTTP API (docs/HOSTS.md): every sidecar route as it is, behind the same token
 * check, plus the host's own routes and the proxy to its opencode.
 */

export type HostServerOptions = {
  token: string;
  identity: HostIdentity;
  git: GitContext;
  network: NetworkSettings;
  opencode: OpencodeHost;
  agents: AgentRuns;
  logError?: (error: unknown) => void;
};

const OPENCODE_PREFIX = "/v1/opencode";

type HostRoute = { method: string; path: string; body: boolean } & (
  | { handle: (body: unknown) => Promise<unknown> }
  /** answers on its own, as it goes (an agent's output) */
  | { stream: (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => Promise<void> }
);

export function createHostServer(options: HostServerOptions): http.Server {
  const { identity, opencode } = options;
  const routes: HostRoute[] = [
    { method: "GET", path: "/v1/host/status", body: false, handle: async () => hostStatus(identity, opencode) },
    { method: "PUT", path: `${OPENCODE_PREFIX}/config`, body: true, handle: (body) => configureOpencode(opencode, body) },
    { method: "POST", path: "/v1/host/probe", body: true, handle: (body) => probeRepository(options.git, body) },
    { method: "POST", path: "/v1/host/scratch", body: true, handle: (body) => makeScratch(identity.dataDir, body) },
    { method: "POST", path: "/v1/host/skills", body: true, handle: (body) => listWorktreeSkills(options.git, identity.worktreeRoot, body) },
    { method: "POST", path: "/v1/agents/run", body: true, stream: (req, res, body) => options.agents.run(req, res, body) },
    { method: "POST", path: "/v1/agents/stop", body: true, handle: async (body) => options.agents.stop(body) },
  ];

  async function fallback(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const route = routes.find((candidate) => candidate.path === url.pathname && candidate.method === req.method);
    if (route) {
      const body = route.body ? await readJsonBody(req) : (req.resume(), undefined);
      if ("stream" in route) await route.stream(req, res, body);
      else sendJson(res, 200, await route.handle(body));
      return true;
    }
    if (url.pathname === OPENCODE_PREFIX || url.pathname.startsWith(`${OPENCODE_PREFIX}/`)) {
      const rest = url.pathname.slice(OPENCODE_PREFIX.length) || "/";
      await proxyToOpencode(req, res, opencode.target(), `${rest}${url.search}`);
      return true;
    }
    const known = routes.filter((candidate) => candidate.path === url.pathname);
    if (known.length === 0) return false;
    req.resume();
    const allowed = known.map((candidate) => candidate.method).join(", ");
    sendJson(res, 405, errorBody("method-not-allowed", `${req.method ?? "?"} is not allowed on ${url.pathname}`), { allow: allowed });
    return true;
  }

  return createSidecarServer({
    token: options.token,
    worktreeRoot: identity.worktreeRoot,
    git: options.git,
    network: options.network,
    fallback,
    logError: options.logError ?? ((error: unknown) => console.error("host: unexpected error:", error instanceof HttpError ? error.message : error)),
  });
}
