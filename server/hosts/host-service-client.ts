import { z } from "zod";
import type { HostConfig } from "./hosts-config";

/**
 * The host service's own routes (docs/HOSTS.md, "HTTP contract") beyond the sidecar's: its state
 * and whether a repository is there. A host of kind "sidecar" (the local default) has neither.
 */
const hostStatusSchema = z.object({
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

/** Why a host could not be asked, in words that name it. */
export class HostUnreachableError extends Error {
  constructor(host: HostConfig, detail: string) {
    super(`host "${host.name}" (${host.url}) ${detail}`);
    this.name = "HostUnreachableError";
  }
}

async function request<T>(host: HostConfig, schema: z.ZodType<T>, route: string, body: unknown | undefined, timeoutMs: number): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${host.url}${route}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${host.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new HostUnreachableError(host, timedOut ? `did not answer within ${Math.round(timeoutMs / 100) / 10} s` : "cannot be reached (is boochat-host running there?)");
  }
  if (response.status === 401) throw new HostUnreachableError(host, "refused BooChat's token (check its token in BOOCHAT_HOSTS_FILE)");
  const json: unknown = await response.json().catch(() => null);
  const parsed = schema.safeParse(json);
  if (!response.ok || !parsed.success) throw new HostUnreachableError(host, `answered ${response.status} to ${route}, not what BooChat expects (is it a boochat-host of this version?)`);
  return parsed.data;
}

export function fetchHostStatus(host: HostConfig, timeoutMs = 3_000): Promise<HostStatus> {
  return request(host, hostStatusSchema, "/v1/host/status", undefined, timeoutMs);
}

export function probeRepository(host: HostConfig, repoPath: string, timeoutMs = 5_000): Promise<RepositoryProbe> {
  return request(host, probeSchema, "/v1/host/probe", { repoPath }, timeoutMs);
}
