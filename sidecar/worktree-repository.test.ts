import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/** POST /v1/worktrees/repository: which repository a worktree belongs to (rows a legacy migration left without one). */

type Answer = { repoPath: string; worktreePath: string };
type ErrorBody = { error: { code: string; message: string } };

let repo: RepoFixture;
let sidecar: SidecarProcess;
let worktree: string;

const ask = <T>(dir: string) => sidecar.request<T>("POST", "/v1/worktrees/repository", { path: dir });

beforeAll(async () => {
  repo = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
  worktree = await repo.addWorktree("of-the-clone");
  await mkdir(path.join(worktree, "src"));
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

describe("POST /v1/worktrees/repository", () => {
  it("answers the main working directory of a worktree's repository", async () => {
    const response = await ask<Answer>(worktree);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ repoPath: repo.clone, worktreePath: worktree });
  });

  it("answers the bare repository itself for a worktree of a bare repository", async () => {
    const dir = path.join(repo.worktreeRoot, "of-the-bare-origin");
    await repo.git(repo.origin, ["worktree", "add", "-q", "-b", "from-bare", dir, "main"]);
    const response = await ask<Answer>(dir);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ repoPath: repo.origin, worktreePath: dir });
  });

  it("follows a symbolic link inside the root to the worktree", async () => {
    const link = path.join(repo.worktreeRoot, "link-to-worktree");
    await symlink(worktree, link);
    expect((await ask<Answer>(link)).body).toEqual({ repoPath: repo.clone, worktreePath: worktree });
  });

  it("refuses a path outside the worktree root with 400", async () => {
    const response = await ask<ErrorBody>(repo.clone);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("outside-worktree-root");
  });

  it("answers 404 in words for what is not a worktree", async () => {
    const plain = path.join(repo.worktreeRoot, "just-a-folder");
    await mkdir(plain);
    const cases: Array<[string, RegExp]> = [
      [path.join(repo.worktreeRoot, "gone"), /does not exist/],
      [plain, /is not the top of a git worktree/],
      [path.join(worktree, "src"), /is not the top of a git worktree/],
    ];
    for (const [dir, message] of cases) {
      const response = await ask<ErrorBody>(dir);
      expect(response.status, dir).toBe(404);
      expect(response.body.error).toMatchObject({ code: "not-a-worktree", message: expect.stringMatching(message) });
    }
  });

  it("answers a repository's main working tree inside the root with itself, also when its git dir is elsewhere", async () => {
    const work = path.join(repo.worktreeRoot, "separate-work");
    await repo.git(repo.base, ["init", "-q", "-b", "main", "--separate-git-dir", path.join(repo.base, "separate.git"), work]);
    await repo.commit(work, { "a.txt": "a\n" }, "a");
    expect((await ask<Answer>(work)).body).toEqual({ repoPath: work, worktreePath: work });
  });

  it("says so when a worktree's repository keeps its git dir apart from its working tree", async () => {
    const linked = path.join(repo.worktreeRoot, "of-separate");
    await repo.git(path.join(repo.worktreeRoot, "separate-work"), ["worktree", "add", "-q", "-b", "linked", linked]);
    const response = await ask<ErrorBody>(linked);
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: "repository-unknown", message: expect.stringContaining(path.join(repo.base, "separate.git")) });
  });
});
