/** Where a repository lives, read from its remote URL. */
type RemoteRepo = { host: string; port: string | null; path: string };

export type PullRequestLink = { url: string | null; reason: string };

/**
 * `https://host/owner/repo.git`, `ssh://git@host:2222/owner/repo`, `git@host:owner/repo.git`,
 * `git://host/owner/repo`: the host and the repository's path (without `.git`), or null for a
 * local path or anything else.
 */
export function parseRemoteUrl(remote: string): RemoteRepo | null {
  const trimmed = remote.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return clean({ host: scp[1] ?? "", port: null, path: scp[2] ?? "" });
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (!["https:", "http:", "ssh:", "git:", "git+ssh:", "ssh+git:"].includes(url.protocol)) return null;
  return clean({ host: url.hostname, port: url.port || null, path: decodeURIComponent(url.pathname) });
}

function clean(repo: RemoteRepo): RemoteRepo | null {
  const path = repo.path.replace(/^\/+|\/+$/g, "").replace(/\.git$/, "");
  if (!repo.host || path.split("/").filter(Boolean).length < 2) return null;
  return { host: repo.host.toLowerCase(), port: repo.port, path };
}

type HostKind = "github" | "gitlab" | "gitea" | "bitbucket";

/** The host's kind by its name: the public hosts, and self-hosted ones named after their software. */
function kindOf(host: string): HostKind | null {
  if (host === "github.com" || /(^|\.)github\./.test(host)) return "github";
  if (host === "gitlab.com" || /(^|[.-])gitlab[.-]/.test(host)) return "gitlab";
  if (host === "codeberg.org" || /(^|[.-])(gitea|forgejo)[.-]/.test(host)) return "gitea";
  if (host === "bitbucket.org" || /(^|[.-])bitbucket[.-]/.test(host)) return "bitbucket";
  return null;
}

/** A branch name in a URL path: each segment encoded, the slashes kept (as the hosts expect). */
const branchInPath = (branch: string) => branch.split("/").map(encodeURIComponent).join("/");

const KIND_NAMES: Record<HostKind, string> = { github: "GitHub", gitlab: "GitLab", gitea: "Gitea/Forgejo", bitbucket: "Bitbucket" };

/**
 * The host's "new pull request" page for `branch` against `base`, built from the remote URL alone
 * (no API, no token). Other hosts: null, and the branch and remote named in words.
 */
export function pullRequestUrl(remoteUrl: string, branch: string, base: string): PullRequestLink {
  const repo = parseRemoteUrl(remoteUrl);
  const kind = repo ? kindOf(repo.host) : null;
  if (!repo || !kind) {
    return { url: null, reason: `origin (${remoteUrl}) is not on a host BooChat knows (GitHub, GitLab, Gitea/Forgejo, Bitbucket): open a pull request of ${branch} into ${base} there` };
  }
  const web = `https://${repo.host}/${repo.path}`;
  const urls: Record<HostKind, string> = {
    github: `${web}/compare/${branchInPath(base)}...${branchInPath(branch)}?expand=1`,
    gitea: `${web}/compare/${branchInPath(base)}...${branchInPath(branch)}`,
    gitlab: `${web}/-/merge_requests/new?${new URLSearchParams({ "merge_request[source_branch]": branch, "merge_request[target_branch]": base })}`,
    bitbucket: `${web}/pull-requests/new?${new URLSearchParams({ source: branch, dest: base })}`,
  };
  return { url: urls[kind], reason: `a pull request of ${branch} into ${base} on ${KIND_NAMES[kind]}` };
}
