import path from "node:path";

/** The four ways the sidecar reaches `origin`; git's protocol.<name>.allow is widened for this one only. */
export type RemoteTransport = "https" | "ssh" | "git" | "file";

export type RemoteUrl = { ok: true; url: string; transport: RemoteTransport } | { ok: false; reason: string };

const refuse = (reason: string): RemoteUrl => ({ ok: false, reason });

/** A host (or `user@host`) that ssh would read as an option: the old `-oProxyCommand=` trick. */
function optionLike(hostPart: string): boolean {
  const host = hostPart.includes("@") ? hostPart.slice(hostPart.lastIndexOf("@") + 1) : hostPart;
  return hostPart.startsWith("-") || host.startsWith("-");
}

/**
 * Which transport a configured URL means to git, or why the sidecar will not use it. Only https, ssh
 * (`ssh://`, `git+ssh://`, `user@host:path`), `git://` and a local path (`file://` or a path, a relative
 * one resolved against `baseDir`) pass: `<helper>::<address>` (ext::, fd::, ...) and any other
 * `<scheme>://` would make git start a remote helper program, and `http://` sends everything unencrypted.
 */
export function classifyRemoteUrl(raw: string, baseDir: string): RemoteUrl {
  if (raw === "") return refuse("the URL is empty");
  if (/[\u0000-\u001f\u007f]/.test(raw)) return refuse("the URL holds control characters");
  const helper = /^([A-Za-z0-9][A-Za-z0-9+.-]*)::/.exec(raw);
  if (helper) return refuse(`${helper[1]}:: makes git run the remote helper git-remote-${helper[1]}, a program the sidecar never starts`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(raw);
  if (scheme) {
    const name = (scheme[1] ?? "").toLowerCase();
    const rest = scheme[2] ?? "";
    const authority = rest.split("/", 1)[0] ?? "";
    if (name === "https") return { ok: true, url: raw, transport: "https" };
    if (name === "ssh" || name === "git+ssh" || name === "ssh+git") {
      return optionLike(authority) ? refuse("the ssh host starts with '-' (ssh would read it as an option)") : { ok: true, url: raw, transport: "ssh" };
    }
    if (name === "git") return { ok: true, url: raw, transport: "git" };
    if (name === "file") return { ok: true, url: raw, transport: "file" };
    if (name === "http") return refuse("http:// sends the pushed code and any credentials unencrypted; use https://");
    return refuse(`${name}:// is none of the transports the sidecar uses (https, ssh, git, a local path) and would make git start a remote helper`);
  }
  // git's own rule: a colon before any slash is `[user@]host:path`, ssh; otherwise a local path.
  const colon = raw.indexOf(":");
  const slash = raw.indexOf("/");
  if (colon !== -1 && (slash === -1 || colon < slash)) {
    return optionLike(raw.slice(0, colon)) ? refuse("the ssh host starts with '-' (ssh would read it as an option)") : { ok: true, url: raw, transport: "ssh" };
  }
  if (raw.startsWith("-")) return refuse("the path starts with '-' (git would read it as an option)");
  return { ok: true, url: path.resolve(baseDir, raw), transport: "file" };
}
