import { createHash } from "node:crypto";
import { z } from "zod";
import type { HostConfig } from "./hosts-config";

/**
 * The host service's own routes (docs/HOSTS.md, "HTTP API") beyond the sidecar's: its state, whether
 * a repository is there, a scratch folder, opencode's configuration. One way to ask them, so every
 * failure names the host the same way. A host of kind "sidecar" (the local default) has none.
 */
export const hostStatusSchema = z.object({
  name: z.string(),
  instance: z.string(),
  load: z.number(),
  cpus: z.number(),
  worktreeRoot: z.string(),
  opencode: z.object({ state: z.string(), generation: z.number(), configHash: z.string().nullable() }),
});
export type HostStatus = z.infer<typeof hostStatusSchema>;

const probeSchema = z.object({ repoPath: z.string(), usable: z.boolean(), reason: z.string().nullable() });
export type RepositoryProbe = z.infer<typeof probeSchema>;

/** sha256 hex of opencode's configuration as JSON text: how the web app and the host compare configurations. */
export function configHashOf(config: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(config)).digest("hex");
}

const scratchSchema = z.object({ path: z.string().min(1) });
const configuredSchema = z.object({ configHash: z.string() });
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

/** A host that could not be asked, or answered something else than asked: the words name it. */
export class HostRequestError extends Error {
  constructor(host: HostConfig, detail: string) {
    super(`host "${host.name}" (${host.url}) ${detail}`);
    this.name = "HostRequestError";
  }
}

export type HostRequest = { method?: "GET" | "POST" | "PUT"; body?: unknown; timeoutMs: number; fetch?: typeof fetch };

/** The headers every request to a host service carries: its bearer token, and the body's type. */
export function hostHeaders(host: HostConfig, withJsonBody: boolean): Record<string, string> {
  return { authorization: `Bearer ${host.token}`, ...(withJsonBody ? { "content-type": "application/json" } : {}) };
}

/** A host's answer other than 2xx, in words naming the host (`what`: the request, e.g. `POST /v1/agents/run`). */
export async function hostRefusal(host: HostConfig, what: string, response: Response): Promise<HostRequestError> {
  if (response.status === 401) return new HostRequestError(host, "refused BooChat's token (check its token in BOOCHAT_HOSTS_FILE)");
  const refused = errorSchema.safeParse(await response.json().catch(() => null));
  return new HostRequestError(host, `answered ${what} with HTTP ${response.status}${refused.success ? `: ${refused.data.error.message}` : ""}`);
}

/** One request to a host service with its bearer token and a deadline; the answer checked against `schema`. */
export async function hostServiceRequest<T>(host: HostConfig, route: string, schema: z.ZodType<T>, request: HostRequest): Promise<T> {
  const { body, timeoutMs } = request;
  const method = request.method ?? (body === undefined ? "GET" : "POST");
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(`${host.url}${route}`, {
      method,
      headers: hostHeaders(host, body !== undefined),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new HostRequestError(host, timedOut ? `did not answer within ${Math.round(timeoutMs / 100) / 10} s` : "cannot be reached (is boochat-host running there?)");
  }
  if (!response.ok) throw await hostRefusal(host, `${method} ${route}`, response);
  const parsed = schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new HostRequestError(host, `answered ${method} ${route} with something BooChat does not understand (is it a boochat-host of this version?)`);
  return parsed.data;
}

export function fetchHostStatus(host: HostConfig, options: Omit<HostRequest, "method" | "body"> = { timeoutMs: 3_000 }): Promise<HostStatus> {
  return hostServiceRequest(host, "/v1/host/status", hostStatusSchema, options);
}

export function probeRepository(host: HostConfig, repoPath: string, timeoutMs = 5_000): Promise<RepositoryProbe> {
  return hostServiceRequest(host, "/v1/host/probe", probeSchema, { body: { repoPath }, timeoutMs });
}

/** A chat-only folder on the host (0700, under its data folder): its absolute path there. */
export async function makeHostScratch(host: HostConfig, id: string, options: { fetch?: typeof fetch } = {}): Promise<string> {
  return (await hostServiceRequest(host, "/v1/host/scratch", scratchSchema, { body: { id }, timeoutMs: 10_000, ...options })).path;
}

/** Gives the host opencode's configuration; resolves to the hash the host runs it under. */
export async function configureHostOpencode(host: HostConfig, config: Record<string, unknown>, options: { timeoutMs: number; fetch?: typeof fetch }): Promise<string> {
  return (await hostServiceRequest(host, "/v1/opencode/config", configuredSchema, { method: "PUT", body: { config }, ...options })).configHash;
}

const skillsSchema = z.object({ skills: z.array(z.object({ name: z.string(), description: z.string(), prompt: z.string(), path: z.string() })) });

/** A worktree's own skills, read by its host (the web app cannot read another machine's worktree). */
export async function fetchHostSkills(host: HostConfig, directory: string, options: { fetch?: typeof fetch } = {}) {
  return (await hostServiceRequest(host, "/v1/host/skills", skillsSchema, { body: { directory }, timeoutMs: 10_000, ...options })).skills;
}
