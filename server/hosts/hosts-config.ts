import fs from "node:fs";
import { z } from "zod";
import { hostNameSchema } from "../schemas/host-name";
import { getSettings, SettingsError, type Settings } from "../settings/settings";

/**
 * The hosts BooChat runs worktrees and agents on (docs/HOSTS.md). Without BOOCHAT_HOSTS_FILE there
 * is one, `local`: today's sidecar (BOOCHAT_SIDECAR_URL) with opencode beside the web app. With it,
 * every host is a host service (`npm run host`): the sidecar's endpoints plus its own opencode.
 */
export type HostConfig = {
  name: string;
  /** The host service's (or the local sidecar's) base URL, without a trailing slash. */
  url: string;
  token: string;
  /** "sidecar": the local default, opencode runs beside the web app. "host-service": opencode runs there, behind /v1/opencode. */
  kind: "sidecar" | "host-service";
};

export const LOCAL_HOST = "local";


const hostsFileSchema = z
  .array(
    z.object({
      name: hostNameSchema,
      url: z.url("must be a URL such as http://build-1.internal:4319").refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://"),
      token: z.string().min(16, "must be at least 16 characters (the host's BOOCHAT_HOST_TOKEN)"),
    }),
  )
  .min(1, "must declare at least one host")
  .refine((hosts) => new Set(hosts.map((h) => h.name)).size === hosts.length, "declares a host name twice");

/** Reads the hosts: the file's (checked, every problem named), else the single `local` host. */
export function readHosts(settings: Pick<Settings, "hostsFile" | "sidecarUrl" | "sidecarToken">): HostConfig[] {
  if (!settings.hostsFile) return [{ name: LOCAL_HOST, url: settings.sidecarUrl.replace(/\/+$/, ""), token: settings.sidecarToken, kind: "sidecar" }];
  let text: string;
  try {
    text = fs.readFileSync(settings.hostsFile, "utf8");
  } catch (error) {
    throw new SettingsError(`BOOCHAT_HOSTS_FILE ${settings.hostsFile} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`BOOCHAT_HOSTS_FILE ${settings.hostsFile} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = hostsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `[${issue.path.join("].")}` : "the list"}: ${issue.message}`);
    throw new SettingsError(`BOOCHAT_HOSTS_FILE ${settings.hostsFile}: ${problems.join("; ")}`);
  }
  return parsed.data.map((h) => ({ name: h.name, url: h.url.replace(/\/+$/, ""), token: h.token, kind: "host-service" }));
}

/**
 * The host a worktree row belongs to. Rows written before hosts existed hold the sidecar's URL (or
 * nothing): they belong to the host with that URL, else to the first host, where they always were.
 */
export function hostOfRow(hosts: readonly HostConfig[], recorded: string | null): HostConfig {
  const first = hosts[0];
  if (!first) throw new Error("no hosts are configured");
  if (!recorded) return first;
  const trimmed = recorded.replace(/\/+$/, "");
  return hosts.find((h) => h.name === recorded) ?? hosts.find((h) => h.url === trimmed) ?? first;
}

const globalForHosts = globalThis as unknown as { boochatHosts?: HostConfig[] };

/** The running app's hosts, read once per process (a bad hosts file is an error naming it). */
export function getHosts(): HostConfig[] {
  globalForHosts.boochatHosts ??= readHosts(getSettings());
  return globalForHosts.boochatHosts;
}
