import { classifyRemoteUrl, type RemoteTransport } from "./remote-url";
import type { OriginUrls } from "./origin-urls";
import type { ConfigOverride } from "./run";

/** The host's side of the network calls, from the sidecar's settings (docs/SIDECAR.md, "Push and fetch"). */
export type NetworkSettings = {
  /** a git credential helper as `credential.helper` takes it (`store`, `cache`, `/path/to/helper`), or null: none */
  credentialHelper: string | null;
  /** the ssh agent's socket handed to ssh, when the sidecar has one */
  sshAuthSock: string | null;
  timeoutMs: number;
};

/** Why a push or fetch was not even tried: the repository's origin is not one the sidecar will talk to. */
export class RemoteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteRefusedError";
  }
}

export type OriginTarget = { url: string; transport: RemoteTransport };

/**
 * The one URL a push or fetch goes to: `remote.origin.pushurl` (push) or `remote.origin.url`. Both are
 * checked whatever the direction (a repository naming ext:: anywhere for origin is refused outright),
 * and each must be set at most once: git would otherwise push to all of them.
 */
export function chooseOrigin(urls: OriginUrls, direction: "push" | "fetch", baseDir: string): OriginTarget {
  if (urls.urls.length === 0) throw new RemoteRefusedError("the repository has no remote named origin (remote.origin.url is not set)");
  if (urls.urls.length > 1) throw new RemoteRefusedError(`remote.origin.url is set ${urls.urls.length} times; the sidecar talks to exactly one URL`);
  if (urls.pushUrls.length > 1) throw new RemoteRefusedError(`remote.origin.pushurl is set ${urls.pushUrls.length} times; the sidecar pushes to exactly one URL`);
  const checked = (key: string, value: string): OriginTarget => {
    const result = classifyRemoteUrl(value, baseDir);
    if (!result.ok) throw new RemoteRefusedError(`${key} (${value}) is refused: ${result.reason}`);
    return { url: result.url, transport: result.transport };
  };
  const fetchTarget = checked("remote.origin.url", urls.urls[0] ?? "");
  const pushUrl = urls.pushUrls[0];
  const pushTarget = pushUrl === undefined ? fetchTarget : checked("remote.origin.pushurl", pushUrl);
  return direction === "push" ? pushTarget : fetchTarget;
}

/**
 * A local origin's receive-pack is a git process on this host inside that repository: its hooks, its
 * auto-gc and an updateInstead checkout would run that repository's code. git clears the sidecar's
 * GIT_CONFIG_* for it, so the switches travel on its command line (run by `sh -c`, fixed text only).
 */
export const LOCAL_RECEIVE_PACK =
  "git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c receive.autogc=false -c receive.denyCurrentBranch=refuse -c core.alternateRefsCommand=true receive-pack";
export const LOCAL_UPLOAD_PACK = "git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.alternateRefsCommand=true upload-pack";

/**
 * Config for a network call, on top of the hardening: only this transport allowed (protocol.allow
 * stays never for every other), ssh without prompts (the sidecar user's own ~/.ssh and agent), and
 * the host's credential helper when one is set (the hardening has already emptied the list).
 */
export function networkConfig(target: OriginTarget, settings: NetworkSettings): ConfigOverride[] {
  const config: ConfigOverride[] = [
    [`protocol.${target.transport}.allow`, "always"],
    ["core.sshCommand", "ssh -o BatchMode=yes"],
    ["fetch.recurseSubmodules", "false"],
    ["push.recurseSubmodules", "no"],
    ["push.gpgSign", "false"],
  ];
  if (settings.credentialHelper !== null) config.push(["credential.helper", settings.credentialHelper]);
  return config;
}

/** Variables a network call gets beyond the hardened environment: only the ssh agent's socket. */
export function networkEnv(settings: NetworkSettings): Record<string, string> {
  return settings.sshAuthSock === null ? {} : { SSH_AUTH_SOCK: settings.sshAuthSock };
}

/** How a failed push or fetch is told: a refusal by the remote (409) or a remote that could not be used (502). */
export function describeNetworkFailure(stderr: string): { status: 409 | 502; code: string; reason: string } {
  const text = stderr.toLowerCase();
  if (/\(non-fast-forward\)|\(fetch first\)|updates were rejected/.test(text)) {
    return { status: 409, code: "push-rejected", reason: "origin has commits on this branch that it lacks (not a fast-forward); fetch and merge first (the sidecar never forces a push)" };
  }
  if (/\[remote rejected\]|hook declined|\[rejected\]/.test(text)) return { status: 409, code: "push-rejected", reason: "origin refused the update" };
  if (/authentication failed|could not read (username|password)|terminal prompts disabled|permission denied|access denied|http 40[13]|host key verification failed/.test(text)) {
    return { status: 502, code: "remote-auth-failed", reason: "origin did not accept the sidecar's credentials" };
  }
  if (/could not resolve|connection refused|unable to connect|could not read from remote|does not appear to be a git repository|no such file or directory|timed out|network is unreachable|unable to access/.test(text)) {
    return { status: 502, code: "remote-unreachable", reason: "origin could not be reached" };
  }
  return { status: 502, code: "remote-failed", reason: "git could not talk to origin" };
}

/** A push or fetch that git tried and that failed: the status, a stable code and git's own words. */
export class NetworkFailure extends Error {
  readonly status: 409 | 502;
  readonly code: string;
  constructor(what: string, output: string) {
    const { status, code, reason } = describeNetworkFailure(output);
    const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "");
    const words = lines.find((line) => /^(fatal|error|!)/.test(line)) ?? lines.at(-1) ?? "";
    super(`${what} failed: ${reason}${words === "" ? "" : ` (git: ${words.replace(/^!\t/, "").replaceAll("\t", " ")})`}`);
    this.name = "NetworkFailure";
    this.status = status;
    this.code = code;
  }
}
