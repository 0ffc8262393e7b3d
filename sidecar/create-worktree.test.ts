import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * Creating a session's worktree (issue 15, item 8): a repoPath written with `~` is the sidecar user's
 * home (the sidecar runs on the repository's host), and the answer says which default branch the
 * delete gate will use, warning when there is none.
 */

type Created = { path: string; branch: string; head: string | null; defaultBranch: string | null; warnings: string[] };
type ErrorBody = { error: { code: string; message: string } };

let root: string;
let repo: RepoFixture;
let noHead: RepoFixture;
let noOrigin: RepoFixture;
let sidecar: SidecarProcess;

const create = (sessionId: string, repoPath: string) => sidecar.request<Created & ErrorBody>("POST", "/v1/worktrees", { sessionId, repoPath });

beforeAll(async () => {
  root = await makeTempDir("boochat-create-root-");
  [repo, noHead, noOrigin] = await Promise.all([
    createRepoFixture({ worktreeRoot: root }),
    createRepoFixture({ worktreeRoot: root, setOriginHead: false }),
    createRepoFixture({ worktreeRoot: root, setOriginHead: false }),
  ]);
  await noOrigin.git(noOrigin.clone, ["remote", "remove", "origin"]);
  // The sidecar's home is the fixture's folder, so ~/clone is the fixture's clone.
  sidecar = await startSidecar({ worktreeRoot: root, env: { HOME: repo.base } });
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await Promise.all([repo?.cleanup(), noHead?.cleanup(), noOrigin?.cleanup()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("repoPath with ~", () => {
  it("reads ~/clone as the clone in the sidecar user's home", async () => {
    const response = await create("tilde", "~/clone");
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ path: path.join(root, "clone-tilde"), branch: "boochat/tilde", defaultBranch: "main", warnings: [] });
    expect(await repo.git(response.body.path, ["rev-parse", "--git-common-dir"])).toBe(path.join(repo.clone, ".git"));
  });

  it("reads ~ alone as the home itself", async () => {
    const home = await startSidecar({ worktreeRoot: root, env: { HOME: repo.clone } });
    try {
      const response = await home.request<Created>("POST", "/v1/worktrees", { sessionId: "home", repoPath: "~" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.path).toBe(path.join(root, "clone-home"));
    } finally {
      await home.stop();
    }
  });

  it("says where ~ led when nothing is there, and refuses ~user", async () => {
    const missing = await create("missing", "~/no-such-repo");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: "not-a-repository", message: `repoPath: ~/no-such-repo (${path.join(repo.base, "no-such-repo")}) does not exist` });
    const other = await create("other", "~root/repo");
    expect(other.status).toBe(400);
    expect(other.body.error.message).toBe("repoPath: must be an absolute path, or start with ~/ (the sidecar user's home)");
  });
});

describe("defaultBranch and warnings", () => {
  it("warns when the repository has no origin/HEAD: no delete of the session could be verified", async () => {
    const response = await create("no-head", noHead.clone);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.defaultBranch).toBeNull();
    expect(response.body.warnings).toEqual([
      "no origin/HEAD: BooChat cannot tell whether work is merged, so no delete of this session can be verified; run `git remote set-head origin --auto` in the repository",
    ]);
    // The same answer when the worktree already exists.
    const again = await create("no-head", noHead.clone);
    expect(again.body).toMatchObject({ defaultBranch: null, warnings: response.body.warnings });
  });

  it("says to add the remote first when there is no origin at all", async () => {
    const response = await create("no-origin", noOrigin.clone);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.warnings[0]).toMatch(/^no origin\/HEAD: .*; add the remote \(git remote add origin <url>\), then run `git remote set-head origin --auto`/);
  });
});
