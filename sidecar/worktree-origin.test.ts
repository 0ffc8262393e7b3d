import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { showableUrl } from "./routes/worktree-origin";

let repo: RepoFixture;
let sidecar: SidecarProcess;

beforeAll(async () => {
  repo = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
});
afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

type Origin = { url: string | null; usable: boolean; refusal: string | null; branch: string | null; defaultBranch: string | null };

describe("POST /v1/worktrees/origin", () => {
  it("answers origin's URL, whether push could use it, the worktree's branch and the default branch", async () => {
    const worktree = await repo.addWorktree("origin-lookup");
    const answer = await sidecar.request<Origin>("POST", "/v1/worktrees/origin", { path: worktree });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ url: repo.origin, usable: true, refusal: null, branch: "origin-lookup", defaultBranch: "main" });
  });

  it("never shows credentials written into the URL, and says why a URL push would refuse", async () => {
    const worktree = await repo.addWorktree("origin-secret");
    await repo.git(worktree, ["config", "remote.origin.pushurl", "https://me:s3cret-token@github.com/acme/widget.git"]);
    const withSecret = await sidecar.request<Origin>("POST", "/v1/worktrees/origin", { path: worktree });
    expect(withSecret.body.url).toBe("https://github.com/acme/widget.git");
    expect(JSON.stringify(withSecret.body)).not.toContain("s3cret");
    await repo.git(worktree, ["config", "remote.origin.pushurl", "ext::sh -c evil"]);
    const refused = await sidecar.request<Origin>("POST", "/v1/worktrees/origin", { path: worktree });
    expect(refused.body).toMatchObject({ usable: false, refusal: expect.stringContaining("ext:: makes git run the remote helper") });
    await repo.git(worktree, ["config", "--unset", "remote.origin.pushurl"]);
  });

  it("refuses a path outside the worktree root, in words", async () => {
    const answer = await sidecar.request<{ error: { message: string } }>("POST", "/v1/worktrees/origin", { path: repo.clone });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("outside the worktree root");
  });

  it("drops only the credentials of a URL", () => {
    expect(showableUrl("https://user:pw@host.example/a/b.git")).toBe("https://host.example/a/b.git");
    expect(showableUrl("ssh://git@host.example:2222/a/b.git")).toBe("ssh://host.example:2222/a/b.git");
    expect(showableUrl("git@github.com:a/b.git")).toBe("git@github.com:a/b.git");
    expect(showableUrl("/srv/git/repo.git")).toBe("/srv/git/repo.git");
  });
});
