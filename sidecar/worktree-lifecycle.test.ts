import { access, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/** Worktree creation, stash and remove through the running sidecar, alone and all at once. */

type Created = { path: string; branch: string; head: string | null };
type ErrorBody = { error: { code: string; message: string } };
type StashBody = { stashed: boolean; ref: string | null; report: RiskReport };

let repo: RepoFixture;
let sidecar: SidecarProcess;
let originMain: string;

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  repo = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  originMain = await repo.git(repo.clone, ["rev-parse", "origin/main"]);
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

describe("POST /v1/worktrees", () => {
  it("creates a worktree on a new boochat/<session> branch from the default branch, without an upstream", async () => {
    const response = await sidecar.request<Created>("POST", "/v1/worktrees", { sessionId: "s1", repoPath: repo.clone });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ path: path.join(repo.worktreeRoot, "clone-s1"), branch: "boochat/s1", head: originMain, defaultBranch: "main", warnings: [] });
    expect(await repo.git(response.body.path, ["symbolic-ref", "HEAD"])).toBe("refs/heads/boochat/s1");
    expect(await repo.git(repo.clone, ["config", "--get", "branch.boochat/s1.merge"], { allowFailure: true })).toBe("");
  });

  it("is idempotent for the same session", async () => {
    const before = await repo.git(repo.clone, ["worktree", "list", "--porcelain"]);
    const again = await sidecar.request<Created>("POST", "/v1/worktrees", { sessionId: "s1", repoPath: repo.clone });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ path: path.join(repo.worktreeRoot, "clone-s1"), branch: "boochat/s1", head: originMain, defaultBranch: "main", warnings: [] });
    expect(await repo.git(repo.clone, ["worktree", "list", "--porcelain"])).toBe(before);
  });

  it("checks out an existing branch when asked for it", async () => {
    const featureHead = await repo.commit(repo.clone, { "feature.txt": "f\n" }, "feature work");
    await repo.git(repo.clone, ["branch", "feature-x"]);
    await repo.git(repo.clone, ["reset", "-q", "--hard", "origin/main"]);
    const response = await sidecar.request<Created>("POST", "/v1/worktrees", { sessionId: "s2", repoPath: repo.clone, branch: "feature-x" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ branch: "feature-x", head: featureHead });
  });

  it("makes a new named branch from the given base", async () => {
    const response = await sidecar.request<Created>("POST", "/v1/worktrees", {
      sessionId: "s3",
      repoPath: repo.clone,
      branch: "topic/new",
      base: originMain,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ branch: "topic/new", head: originMain });
  });

  it("answers 400 when repoPath is not a git repository, or the base is no commit", async () => {
    const plain = await makeTempDir("boochat-not-a-repo-");
    onTestFinished(() => rm(plain, { recursive: true, force: true }));
    const notRepo = await sidecar.request<ErrorBody>("POST", "/v1/worktrees", { sessionId: "s4", repoPath: plain });
    expect(notRepo.status).toBe(400);
    expect(notRepo.body.error).toEqual({ code: "not-a-repository", message: `repoPath: ${plain} is not a git repository` });
    const missing = await sidecar.request<ErrorBody>("POST", "/v1/worktrees", { sessionId: "s4", repoPath: path.join(plain, "gone") });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/does not exist/);
    const badBase = await sidecar.request<ErrorBody>("POST", "/v1/worktrees", { sessionId: "s4", repoPath: repo.clone, base: "no-such-ref" });
    expect(badBase.status).toBe(400);
    expect(badBase.body.error.message).toBe("base: no-such-ref is not a commit in the repository");
    expect(await exists(path.join(repo.worktreeRoot, "clone-s4"))).toBe(false);
  });
});

describe("POST /v1/worktrees/stash", () => {
  it("stashes untracked work, returns the stash commit and a fresh report", async () => {
    const dir = path.join(repo.worktreeRoot, "clone-s1");
    await repo.write(dir, { "wip/notes.md": "half done\n" });
    const response = await sidecar.request<StashBody>("POST", "/v1/worktrees/stash", { path: dir, message: "boochat: session s1" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.stashed).toBe(true);
    expect(response.body.ref).toBe(await repo.git(repo.clone, ["rev-parse", "refs/stash"]));
    expect(response.body.report).toMatchObject({ status: "clean", stashes: 1, dirty: { untracked: 0 } });
    expect(await repo.git(repo.clone, ["stash", "list", "--format=%gs"])).toBe("On boochat/s1: boochat: session s1");
  });

  it("says stashed: false when there is nothing to stash", async () => {
    const dir = path.join(repo.worktreeRoot, "clone-s1");
    const response = await sidecar.request<StashBody>("POST", "/v1/worktrees/stash", { path: dir, message: "again" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ stashed: false, ref: null, report: { status: "clean" } });
  });

  it("answers 409 for a directory that is not a worktree", async () => {
    const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/stash", { path: path.join(repo.worktreeRoot, "nope"), message: "m" });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("not-a-worktree");
  });
});

describe("POST /v1/worktrees/remove", () => {
  it("removes a clean worktree and keeps its branch", async () => {
    const dir = path.join(repo.worktreeRoot, "clone-s1");
    const response = await sidecar.request("POST", "/v1/worktrees/remove", { path: dir });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ removed: true });
    expect(await exists(dir)).toBe(false);
    expect(await repo.git(repo.clone, ["rev-parse", "--verify", "refs/heads/boochat/s1"])).toBe(originMain);
    expect(await repo.git(repo.clone, ["worktree", "list"])).not.toContain("clone-s1");
  });

  it("refuses a dirty worktree with 409 and the report, and leaves it untouched", async () => {
    const dir = path.join(repo.worktreeRoot, "clone-s3");
    await repo.write(dir, { "precious.txt": "do not lose me\n" });
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/remove", { path: dir });
    expect(response.status).toBe(409);
    expect(response.body.reports).toHaveLength(1);
    expect(response.body.reports[0]).toMatchObject({ path: dir, status: "at-risk", reasons: ["dirty"], dirty: { files: ["precious.txt"] } });
    expect(await exists(path.join(dir, "precious.txt"))).toBe(true);
  });

  it("refuses a worktree with unpushed commits", async () => {
    const dir = path.join(repo.worktreeRoot, "clone-s2");
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/remove", { path: dir });
    expect(response.status).toBe(409);
    expect(response.body.reports[0]?.reasons).toEqual(["unpushed", "unmerged"]);
    expect(await exists(dir)).toBe(true);
  });

  it("refuses a directory that no longer exists as unverified", async () => {
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/remove", { path: path.join(repo.worktreeRoot, "clone-s1") });
    expect(response.status).toBe(409);
    expect(response.body.reports[0]).toMatchObject({ status: "unverified", error: expect.stringMatching(/does not exist/) });
  });
});

describe("a worktree with an initialised submodule", () => {
  it("is clean by the check, yet git refuses to remove it: 409 unverified with git's reason, nothing deleted", async () => {
    const sub = path.join(repo.base, "lib.git");
    const seed = path.join(repo.base, "lib-seed");
    await repo.git(repo.base, ["init", "-q", "--bare", "-b", "main", sub]);
    await repo.git(repo.base, ["init", "-q", "-b", "main", seed]);
    await repo.commit(seed, { "lib.txt": "lib\n" }, "lib");
    await repo.git(seed, ["push", "-q", sub, "main"]);
    const dir = await repo.addWorktree("with-submodule");
    await repo.git(dir, ["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "lib"]);
    await repo.git(dir, ["commit", "-q", "-m", "add lib"]);
    await repo.git(dir, ["push", "-q", "origin", "HEAD:main"]);
    await repo.git(repo.clone, ["fetch", "-q", "origin"]);

    const risk = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [dir] });
    expect(risk.body.reports[0]?.status).toBe("clean");
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/remove", { path: dir });
    expect(response.status).toBe(409);
    expect(response.body.reports[0]).toMatchObject({ status: "unverified", error: expect.stringMatching(/git refused to remove the worktree: .*submodules/) });
    expect(await exists(path.join(dir, "lib", "lib.txt"))).toBe(true);
  });
});

describe("concurrent writes to one repository", () => {
  it("serialises stash and remove so that git's locks never surface", async () => {
    const names = Array.from({ length: 8 }, (_, i) => `busy-${i}`);
    const dirs: string[] = [];
    for (const name of names) dirs.push(await repo.addWorktree(name));
    // Odd ones get work to stash; even ones are clean and get removed.
    for (const [i, dir] of dirs.entries()) if (i % 2 === 1) await repo.write(dir, { [`work-${i}.txt`]: `${i}\n`, "README.md": `edited ${i}\n` });

    const calls = dirs.flatMap((dir, i) => [
      i % 2 === 1
        ? sidecar.request<StashBody>("POST", "/v1/worktrees/stash", { path: dir, message: `boochat: busy ${i}` })
        : sidecar.request("POST", "/v1/worktrees/remove", { path: dir }),
      // Read-only checks run alongside, unserialised.
      sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: i % 2 === 0 ? dirs : [] }),
    ]);
    const responses = await Promise.all(calls);
    for (const response of responses) {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(JSON.stringify(response.body)).not.toMatch(/\.lock|Unable to create/);
    }
    for (const [i, dir] of dirs.entries()) {
      if (i % 2 === 1) {
        const body = responses[i * 2]?.body as StashBody;
        expect(body.stashed).toBe(true);
        expect(body.report.status).toBe("clean");
      } else {
        expect(await exists(dir)).toBe(false);
      }
    }
    expect((await repo.git(repo.clone, ["stash", "list"])).split("\n")).toHaveLength(1 + 4);
    expect((await readdir(repo.worktreeRoot)).filter((name) => name.startsWith("busy-"))).toHaveLength(4);
  });
});
