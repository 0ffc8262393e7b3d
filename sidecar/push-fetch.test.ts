import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { freePort, startGitDaemon, type GitDaemon } from "../tests/sidecar/git-daemon";

/**
 * Push and fetch (issue 17) by the real sidecar against real repositories: an origin reached as a local
 * path, and one served by `git daemon` on 127.0.0.1 (a network transport, offline).
 */

type PushBody = { branch: string; commit: string; remoteRef: string; upstream: string; upToDate: boolean; report: RiskReport };
type FetchBody = { repoPath: string; updated: Array<{ ref: string; from: string | null; to: string }>; reports: RiskReport[] };
type ErrorBody = { error: { code: string; message: string }; report?: RiskReport };

let root: string;
let local: RepoFixture;
let served: RepoFixture;
let daemon: GitDaemon;
let sidecar: SidecarProcess;

const push = (dir: string) => sidecar.request<PushBody & ErrorBody>("POST", "/v1/worktrees/push", { path: dir });
const fetchRepo = (repoPath: string) => sidecar.request<FetchBody & ErrorBody>("POST", "/v1/repos/fetch", { repoPath });

/** A second user's clone of `repo`'s origin, to change origin behind the sidecar's back. */
async function otherClone(repo: RepoFixture, name: string): Promise<string> {
  const dir = path.join(repo.base, name);
  await repo.git(repo.base, ["clone", "-q", repo.origin, dir]);
  return dir;
}

beforeAll(async () => {
  root = await makeTempDir("boochat-remote-root-");
  local = await createRepoFixture({ worktreeRoot: root });
  served = await createRepoFixture({ worktreeRoot: root });
  [daemon, sidecar] = await Promise.all([startGitDaemon({ basePath: served.base, home: served.home }), startSidecar({ worktreeRoot: root })]);
  await served.git(served.clone, ["remote", "set-url", "origin", daemon.url("origin.git")]);
}, 60_000);

afterAll(async () => {
  await Promise.all([sidecar?.stop(), daemon?.stop()]);
  await Promise.all([local?.cleanup(), served?.cleanup()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe.each([
  ["a local path", () => local, "local"],
  ["git:// on 127.0.0.1", () => served, "daemon"],
])("origin as %s", (_label, fixture, prefix) => {
  it("push sends the branch as refs/heads/<branch>, sets its upstream and clears unpushed", async () => {
    const repo = fixture();
    const dir = await repo.addWorktree(`${prefix}-feature`, { branch: "feature" });
    const commit = await repo.commit(dir, { "feature.txt": "feature\n" }, "feature work");
    const before = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [dir] });
    expect(before.body.reports[0]?.reasons).toEqual(["unpushed", "unmerged"]);

    const response = await push(dir);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ branch: "feature", commit, remoteRef: "refs/heads/feature", upstream: "origin/feature", upToDate: false });
    expect(response.body.report).toMatchObject({ status: "at-risk", reasons: ["unmerged"], unpushed: { count: 0, upstream: "origin/feature" } });
    expect(await repo.git(repo.origin, ["rev-parse", "refs/heads/feature"])).toBe(commit);
    expect(await repo.git(dir, ["rev-parse", "refs/remotes/origin/feature"])).toBe(commit);
    expect(await repo.git(dir, ["config", "branch.feature.remote"])).toBe("origin");
    expect(await repo.git(dir, ["config", "branch.feature.merge"])).toBe("refs/heads/feature");

    const again = await push(dir);
    expect(again.status).toBe(200);
    expect(again.body.upToDate).toBe(true);
  });

  it("after a squash merge on origin's side and a fetch, the check calls the branch merged and a delete passes", async () => {
    const repo = fixture();
    const dir = await repo.addWorktree(`${prefix}-to-squash`, { branch: "to-squash" });
    await repo.commit(dir, { "squash-a.txt": "a\n" }, "part one");
    await repo.commit(dir, { "squash-b.txt": "b\n" }, "part two");
    expect((await push(dir)).status).toBe(200);

    const other = await otherClone(repo, "squasher");
    await repo.git(other, ["merge", "-q", "--squash", "origin/to-squash"]);
    await repo.git(other, ["commit", "-q", "-m", "to-squash (#7)"]);
    await repo.git(other, ["push", "-q", "origin", "main"]);
    const newMain = await repo.git(other, ["rev-parse", "HEAD"]);
    const oldMain = await repo.git(repo.clone, ["rev-parse", "refs/remotes/origin/main"]);

    const fetched = await fetchRepo(repo.clone);
    expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
    expect(fetched.body.updated).toContainEqual({ ref: "refs/remotes/origin/main", from: oldMain, to: newMain });
    expect(await repo.git(repo.clone, ["symbolic-ref", "refs/remotes/origin/HEAD"])).toBe("refs/remotes/origin/main");
    const report = fetched.body.reports.find((entry) => entry.path === dir);
    expect(report).toMatchObject({ status: "clean", reasons: [], unmerged: { count: 0 } });

    const removed = await sidecar.request("POST", "/v1/worktrees/remove", { path: dir });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
  });

  it("refuses a push that is not a fast-forward, in words, and changes nothing", async () => {
    const repo = fixture();
    const dir = await repo.addWorktree(`${prefix}-contested`, { branch: "contested" });
    await repo.commit(dir, { "contested.txt": "one\n" }, "first");
    expect((await push(dir)).status).toBe(200);
    const other = await otherClone(repo, "rival");
    await repo.git(other, ["switch", "-q", "contested"]);
    await repo.commit(other, { "contested.txt": "rival\n" }, "rival's commit");
    await repo.git(other, ["push", "-q", "origin", "contested"]);
    const ours = await repo.commit(dir, { "contested.txt": "ours\n" }, "our commit");
    const remoteBefore = await repo.git(repo.origin, ["rev-parse", "refs/heads/contested"]);
    const trackingBefore = await repo.git(dir, ["rev-parse", "refs/remotes/origin/contested"]);

    const response = await push(dir);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("push-rejected");
    expect(response.body.error.message).toMatch(/the push of contested to origin failed: origin has commits on this branch that it lacks \(not a fast-forward\)/);
    expect(response.body.report).toMatchObject({ head: ours, reasons: expect.arrayContaining(["unpushed"]) as string[] });
    expect(await repo.git(repo.origin, ["rev-parse", "refs/heads/contested"])).toBe(remoteBefore);
    expect(await repo.git(dir, ["rev-parse", "refs/remotes/origin/contested"])).toBe(trackingBefore);
  });
});

describe("refusals", () => {
  it("answers 502 in words when origin cannot be reached, and changes nothing", async () => {
    const repo = await createRepoFixture({ worktreeRoot: sidecar.worktreeRoot });
    try {
      const dir = await repo.addWorktree("unreachable");
      await repo.commit(dir, { "u.txt": "u\n" }, "u");
      await repo.git(repo.clone, ["remote", "set-url", "origin", `git://127.0.0.1:${await freePort()}/origin.git`]);
      const response = await push(dir);
      expect(response.status).toBe(502);
      expect(response.body.error).toMatchObject({ code: "remote-unreachable" });
      expect(response.body.error.message).toMatch(/origin could not be reached/);
      expect(await repo.git(dir, ["config", "--default", "none", "branch.unreachable.remote"])).toBe("none");
      const fetched = await fetchRepo(repo.clone);
      expect(fetched.status).toBe(502);
      expect(fetched.body.error.code).toBe("remote-unreachable");
    } finally {
      await repo.cleanup();
    }
  });

  it("refuses a detached HEAD: there is no branch to push", async () => {
    const dir = await local.addWorktree("detached", { detach: true });
    const response = await push(dir);
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: "detached", message: `HEAD of ${dir} is detached: there is no branch to push` });
  });

  it("fetches only for a repository's main folder that has a worktree under the root", async () => {
    const worktree = await local.addWorktree("not-main");
    const notMain = await fetchRepo(worktree);
    expect(notMain.status).toBe(400);
    expect(notMain.body.error.message).toBe(`repoPath: ${worktree} is not the repository's main folder (that is ${local.clone})`);

    const lone = await createRepoFixture();
    try {
      const unmanaged = await fetchRepo(lone.clone);
      expect(unmanaged.status).toBe(409);
      expect(unmanaged.body.error.code).toBe("not-managed");
      expect(unmanaged.body.error.message).toMatch(/has no worktree under the worktree root/);
    } finally {
      await lone.cleanup();
    }
    const missing = await fetchRepo("/no/such/repository");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: "not-a-repository", message: "repoPath: /no/such/repository does not exist" });
  });

  it("answers 400 for a push path outside the root", async () => {
    const response = await push(local.clone);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("outside-worktree-root");
  });
});
