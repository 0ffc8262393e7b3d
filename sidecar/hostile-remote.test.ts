import { chmod, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { startGitDaemon, type GitDaemon } from "../tests/sidecar/git-daemon";

/**
 * Push and fetch are the sidecar's only network calls, so a repository's config must not steer them: an
 * agent could write `url.*.insteadOf` (to ext::), `remote.origin.uploadpack`/`receivepack`,
 * `core.sshCommand`, `core.gitProxy`, a credential helper, `protocol.ext.allow`, a pushurl with ext::,
 * and hooks on both sides of a local origin. Every one leaves a marker when it runs; the sidecar's push
 * and fetch must leave none, and refuse every transport but https, ssh, git and a local path.
 */

let root: string;
let repo: RepoFixture;
let served: RepoFixture;
let daemon: GitDaemon;
let sidecar: SidecarProcess;
let markers: string;
let scripts: string;
let worktree: string;
let servedWorktree: string;

type ErrorBody = { error: { code: string; message: string } };

async function markersLeft(): Promise<string[]> {
  return (await readdir(markers)).sort();
}

/** A program that leaves `marker`, then (optionally) does the real work so git gets on. */
async function script(name: string, marker: string, then = "exit 1"): Promise<string> {
  const file = path.join(scripts, name);
  await writeFile(file, `#!/bin/sh\ntouch '${path.join(markers, marker)}'\n${then}\n`);
  await chmod(file, 0o755);
  return file;
}

async function hostileConfig(fixture: RepoFixture, entries: Array<[string, string]>): Promise<void> {
  for (const [key, value] of entries) await fixture.git(fixture.clone, ["config", "--add", key, value]);
}

async function hooks(gitDir: string, names: readonly string[], prefix: string): Promise<void> {
  for (const name of names) {
    const file = path.join(gitDir, "hooks", name);
    await writeFile(file, `#!/bin/sh\ntouch '${path.join(markers, `${prefix}-${name}`)}'\nexit 0\n`);
    await chmod(file, 0o755);
  }
}

beforeAll(async () => {
  root = await makeTempDir("boochat-hostile-remote-root-");
  repo = await createRepoFixture({ worktreeRoot: root });
  served = await createRepoFixture({ worktreeRoot: root });
  markers = path.join(repo.base, "markers");
  scripts = path.join(repo.base, "scripts");
  await Promise.all([mkdir(markers), mkdir(scripts)]);
  [daemon, sidecar] = await Promise.all([startGitDaemon({ basePath: served.base, home: served.home }), startSidecar({ worktreeRoot: root })]);
  await served.git(served.clone, ["remote", "set-url", "origin", daemon.url("origin.git")]);

  worktree = await repo.addWorktree("hostile-push");
  await repo.commit(worktree, { "work.txt": "work\n" }, "work to push");
  servedWorktree = await served.addWorktree("served-push");
  await served.commit(servedWorktree, { "work.txt": "work\n" }, "work to push");

  const ext = `ext::${await script("ext-fetch", "ext-insteadof")}`;
  const extPush = `ext::${await script("ext-push", "ext-pushinsteadof")}`;
  const common: Array<[string, string]> = [
    ["protocol.allow", "always"],
    ["protocol.ext.allow", "always"],
    ["core.sshCommand", await script("ssh", "ssh-command")],
    ["credential.helper", `!${await script("credential", "credential-helper")}`],
    ["core.gitProxy", await script("git-proxy", "git-proxy")],
    ["remote.origin.uploadpack", await script("upload-pack", "uploadpack", 'exec git-upload-pack "$@"')],
    ["remote.origin.receivepack", await script("receive-pack", "receivepack", 'exec git-receive-pack "$@"')],
    ["fetch.recurseSubmodules", "true"],
    ["push.gpgSign", "true"],
    ["gpg.program", await script("gpg", "gpg")],
  ];
  await hostileConfig(repo, [...common, [`url.${ext}.insteadOf`, repo.origin], [`url.${extPush}.pushInsteadOf`, repo.origin]]);
  await hostileConfig(served, [...common, [`url.${ext}.insteadOf`, daemon.url("")], [`url.${extPush}.pushInsteadOf`, daemon.url("")]]);
  const clientHooks = ["pre-push", "reference-transaction", "post-checkout", "post-merge", "post-rewrite"];
  await hooks(path.join(repo.clone, ".git"), clientHooks, "client");
  await hooks(path.join(served.clone, ".git"), clientHooks, "served-client");
  // A local origin is a repository on this host: its receive-side hooks would run as the sidecar's user.
  await hooks(repo.origin, ["pre-receive", "update", "post-receive", "post-update", "reference-transaction", "push-to-checkout"], "origin");
}, 60_000);

beforeEach(async () => {
  await rm(markers, { recursive: true, force: true });
  await mkdir(markers);
});

afterAll(async () => {
  await Promise.all([sidecar?.stop(), daemon?.stop()]);
  await Promise.all([repo?.cleanup(), served?.cleanup()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("push and fetch against a repository whose config an agent wrote", () => {
  it("run none of it with a local origin: no rewrite, upload-pack, receive-pack, helper, ssh, gpg or hook on either side", async () => {
    const pushed = await sidecar.request("POST", "/v1/worktrees/push", { path: worktree });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const fetched = await sidecar.request("POST", "/v1/repos/fetch", { repoPath: repo.clone });
    expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
    expect(await repo.git(repo.origin, ["rev-parse", "refs/heads/hostile-push"])).toBe(await repo.git(worktree, ["rev-parse", "HEAD"]));
    expect(await markersLeft()).toEqual([]);
  });

  it("run none of it over git://: no core.gitProxy, no rewrite", async () => {
    const pushed = await sidecar.request("POST", "/v1/worktrees/push", { path: servedWorktree });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    const fetched = await sidecar.request("POST", "/v1/repos/fetch", { repoPath: served.clone });
    expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it.each([
    ["pushurl", "ext::sh -c touch% /tmp/boochat-ext-marker", /ext:: makes git run the remote helper git-remote-ext/],
    ["pushurl", "fd::3", /fd:: makes git run the remote helper git-remote-fd/],
    ["pushurl", "http://127.0.0.1/origin.git", /http:\/\/ sends the pushed code and any credentials unencrypted/],
    ["pushurl", "ftp://127.0.0.1/origin.git", /ftp:\/\/ is none of the transports the sidecar uses/],
    ["pushurl", "evil://anything", /evil:\/\/ is none of the transports/],
    ["pushurl", "-oProxyCommand=touch:x", /the ssh host starts with '-'/],
    ["pushurl", "ssh://-oProxyCommand=x/repo", /the ssh host starts with '-'/],
  ])("refuses remote.origin.%s %s for push and fetch alike, saying why", async (key, value, reason) => {
    await repo.git(repo.clone, ["config", `remote.origin.${key}`, value]);
    try {
      const pushed = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/push", { path: worktree });
      expect(pushed.status).toBe(409);
      expect(pushed.body.error.code).toBe("remote-refused");
      expect(pushed.body.error.message).toMatch(reason);
      const fetched = await sidecar.request<ErrorBody>("POST", "/v1/repos/fetch", { repoPath: repo.clone });
      expect(fetched.status).toBe(409);
      expect(fetched.body.error.message).toMatch(/^the fetch was not tried: remote\.origin\.pushurl/);
    } finally {
      await repo.git(repo.clone, ["config", "--unset-all", `remote.origin.${key}`]);
    }
    expect(await markersLeft()).toEqual([]);
  });

  it("reaches an ssh origin through ssh itself, never the repository's core.sshCommand", async () => {
    await repo.git(repo.clone, ["config", "remote.origin.url", "ssh://127.0.0.1:1/origin.git"]);
    try {
      const pushed = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/push", { path: worktree });
      expect(pushed.status).toBe(502);
      expect(pushed.body.error.code).toBe("remote-unreachable");
      const fetched = await sidecar.request<ErrorBody>("POST", "/v1/repos/fetch", { repoPath: repo.clone });
      expect(fetched.status).toBe(502);
    } finally {
      await repo.git(repo.clone, ["config", "remote.origin.url", repo.origin]);
    }
    expect(await markersLeft()).toEqual([]);
  });

  it("refuses an origin URL set twice (git would push to both)", async () => {
    await repo.git(repo.clone, ["config", "--add", "remote.origin.url", repo.origin]);
    try {
      const pushed = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/push", { path: worktree });
      expect(pushed.status).toBe(409);
      expect(pushed.body.error.message).toMatch(/remote\.origin\.url is set 2 times/);
    } finally {
      await repo.git(repo.clone, ["config", "--unset-all", "remote.origin.url"]);
      await repo.git(repo.clone, ["config", "remote.origin.url", repo.origin]);
    }
  });

  it("would have run them under plain git (the traps are real)", async () => {
    await repo.git(repo.clone, ["fetch", "-q", "origin"], { allowFailure: true });
    await repo.git(worktree, ["push", "-q", "origin", "hostile-push"], { allowFailure: true });
    await served.git(served.clone, ["config", "--unset-all", `url.ext::${path.join(scripts, "ext-fetch")}.insteadOf`]);
    await served.git(served.clone, ["fetch", "-q", "origin"], { allowFailure: true });
    await repo.git(repo.clone, ["ls-remote", "ssh://127.0.0.1:1/x"], { allowFailure: true });
    await repo.git(repo.clone, ["credential", "fill"], { input: "protocol=https\nhost=example.invalid\n\n", allowFailure: true });
    // Without the rewrites, a local origin reached the plain way runs the configured programs and both sides' hooks.
    await repo.git(repo.clone, ["config", "--remove-section", `url.ext::${path.join(scripts, "ext-fetch")}`]);
    await repo.git(repo.clone, ["config", "--remove-section", `url.ext::${path.join(scripts, "ext-push")}`]);
    await repo.commit(worktree, { "more.txt": "more\n" }, "more work");
    await repo.git(worktree, ["push", "-q", "--no-signed", "origin", "hostile-push"], { allowFailure: true });
    await repo.git(repo.clone, ["fetch", "-q", "origin"], { allowFailure: true });
    expect(await markersLeft()).toEqual(
      expect.arrayContaining([
        "ext-insteadof",
        "ext-pushinsteadof",
        "git-proxy",
        "ssh-command",
        "credential-helper",
        "uploadpack",
        "receivepack",
        "client-pre-push",
        "origin-pre-receive",
        "origin-post-receive",
      ]),
    );
  });
});
