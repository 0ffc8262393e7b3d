import type { Db } from "../db";
import { AppError } from "../errors";
import { createSidecarClient, type SidecarClient } from "../sidecar-client";
import { hostOfRow, LOCAL_HOST, type HostConfig } from "./hosts-config";

/**
 * Every worktree call goes to the worktree's host (docs/HOSTS.md). The router is a SidecarClient
 * itself: a call about a path goes to the host its worktree row names, so the services keep calling
 * `sidecar.stash({ path })` and cannot send it to the wrong machine. What needs a host before any
 * row exists (creating a worktree, fetching a repository) names it through `forHost`.
 */
export type HostRouter = SidecarClient & {
  readonly hosts: readonly HostConfig[];
  /** The first host: agents of sessions without a worktree, and rows recorded before hosts existed. */
  readonly home: HostConfig;
  /** The client of one host; BAD_REQUEST naming the configured ones for an unknown name. */
  forHost(name: string): SidecarClient;
  /** The host a worktree row's `host` column names (old rows: the sidecar URL or nothing). */
  hostOf(recorded: string | null): HostConfig;
  /** The items grouped by the host of their worktree (looked up by path), each group with its client. */
  byHost<T extends { path: string }>(items: readonly T[]): Promise<Array<{ host: HostConfig; client: SidecarClient; items: T[] }>>;
};

export function isHostRouter(sidecar: SidecarClient): sidecar is HostRouter {
  return "byHost" in sidecar && typeof sidecar.byHost === "function";
}

/** The client of one configured host, its failures worded with the host's name. */
export function clientOfHost(host: HostConfig, timeoutMs?: number): SidecarClient {
  const label = host.kind === "host-service" ? { name: `host "${host.name}" (${host.url})`, tokenSetting: `the token of "${host.name}" in BOOCHAT_HOSTS_FILE` } : undefined;
  return createSidecarClient({ url: host.url, token: host.token, ...(timeoutMs ? { timeoutMs } : {}), ...(label ? { label } : {}) });
}

type RouterParts = {
  hosts: readonly HostConfig[];
  clients: ReadonlyMap<string, SidecarClient>;
  /** The recorded `host` of the worktree rows at these paths (absent: no row). */
  recordedHosts(paths: readonly string[]): Promise<Map<string, string | null>>;
  /** The recorded `host` of a live worktree of this repository (undefined: none). */
  recordedHostOfRepo(repoPath: string): Promise<string | null | undefined>;
};

function routerOf(parts: RouterParts): HostRouter {
  const { hosts, clients } = parts;
  const home = hosts[0];
  if (!home) throw new Error("no hosts are configured");
  const hostOf = (recorded: string | null) => hostOfRow(hosts, recorded);
  const clientOf = (host: HostConfig): SidecarClient => clients.get(host.name) ?? unknownHost(hosts, host.name);
  const forPath = async (path: string) => clientOf(hostOf((await parts.recordedHosts([path])).get(path) ?? null));

  async function byHost<T extends { path: string }>(items: readonly T[]) {
    const recorded = await parts.recordedHosts(items.map((item) => item.path));
    const groups = new Map<string, { host: HostConfig; client: SidecarClient; items: T[] }>();
    for (const item of items) {
      const host = hostOf(recorded.get(item.path) ?? null);
      const group = groups.get(host.name) ?? { host, client: clientOf(host), items: [] };
      group.items.push(item);
      groups.set(host.name, group);
    }
    return [...groups.values()];
  }

  return {
    url: home.url,
    hosts,
    home,
    hostOf,
    byHost,
    forHost: (name) => clients.get(name) ?? unknownHost(hosts, name),
    createWorktree: (input) => clientOf(home).createWorktree(input),
    async risk(paths, options) {
      // One host's failure fails the whole call here; checkWorktrees (risk-gate.ts) asks host by host instead.
      const groups = await byHost(paths.map((path) => ({ path })));
      const answers = await Promise.all(groups.map((g) => g.client.risk(g.items.map((i) => i.path), options)));
      const byPath = new Map(answers.flat().map((report) => [report.path, report]));
      return paths.flatMap((path) => byPath.get(path) ?? []);
    },
    stash: async (input) => (await forPath(input.path)).stash(input),
    commit: async (input) => (await forPath(input.path)).commit(input),
    remove: async (input, options) => (await forPath(input.path)).remove(input, options),
    repository: async (input) => (await forPath(input.path)).repository(input),
    diff: async (input) => (await forPath(input.path)).diff(input),
    push: async (input) => (await forPath(input.path)).push(input),
    merge: async (input) => (await forPath(input.path)).merge(input),
    origin: async (input) => (await forPath(input.path)).origin(input),
    fetch: async (input) => clientOf(hostOf((await parts.recordedHostOfRepo(input.repoPath)) ?? null)).fetch(input),
  };
}

function unknownHost(hosts: readonly HostConfig[], name: string): never {
  throw new AppError("BAD_REQUEST", `host: there is no host named "${name}": configured are ${hosts.map((h) => h.name).join(", ")}`);
}

/** The router of the running app: the configured hosts, each worktree's host read from its row. */
export function createHostRouter(options: { db: Db; hosts: readonly HostConfig[]; timeoutMs?: number }): HostRouter {
  const { db, hosts } = options;
  const clients = new Map(hosts.map((host) => [host.name, clientOfHost(host, options.timeoutMs)]));
  return routerOf({
    hosts,
    clients,
    async recordedHosts(paths) {
      const rows = await db.worktree.findMany({ where: { path: { in: [...paths] } }, select: { path: true, host: true } });
      return new Map(rows.map((row) => [row.path, row.host]));
    },
    recordedHostOfRepo: async (repoPath) =>
      (await db.worktree.findFirst({ where: { repoPath, removedAt: null }, select: { host: true }, orderBy: { createdAt: "desc" } }))?.host,
  });
}

/** One sidecar as the only host, `local` (what a test or a context built from a plain client gets). */
export function singleHostRouter(client: SidecarClient): HostRouter {
  const host: HostConfig = { name: LOCAL_HOST, url: client.url, token: "", kind: "sidecar" };
  return routerOf({ hosts: [host], clients: new Map([[LOCAL_HOST, client]]), recordedHosts: async () => new Map(), recordedHostOfRepo: async () => null });
}

/** A context's sidecar as a router: a plain client is the one `local` host. */
export function asHostRouter(sidecar: SidecarClient): HostRouter {
  return isHostRouter(sidecar) ? sidecar : singleHostRouter(sidecar);
}
