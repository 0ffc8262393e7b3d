import { afterAll, beforeAll, expect, it } from "vitest";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";

// Found by the sidecar fuzz drill at full size (issue 19): a commit whose message held NUL staged
// everything (`git add --all`), then git could not be started with that message: a 409 that had
// changed the worktree's index. A message with NUL is now bad input (400), refused before git runs;
// the same for stash and merge.

let fixture: RepoFixture;
let sidecar: SidecarProcess;

beforeAll(async () => {
  fixture = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
});
afterAll(async () => {
  await sidecar?.stop();
  await fixture?.cleanup();
});

it("a message with NUL is refused as bad input, and the worktree's index is as it was", async () => {
  const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "nul", repoPath: fixture.clone });
  const worktree = created.body.path;
  await fixture.write(worktree, { "README.md": "# fixture\n\nedited, not staged\n", "new.txt": "untracked\n" });
  const before = await fixture.git(worktree, ["status", "--porcelain=v2"]);
  for (const [route, body] of [
    ["/v1/worktrees/commit", { message: "\u0000" }],
    ["/v1/worktrees/commit", { message: "first line\u0000rest" }],
    ["/v1/worktrees/stash", { message: "\u0000" }],
    ["/v1/worktrees/merge", { branch: "main", message: "\u0000" }],
  ] as const) {
    const answer = await sidecar.request<{ error: { code: string; message: string } }>("POST", route, { path: worktree, ...body });
    expect(answer.status, route).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "invalid-input", message: "message: must not contain NUL" });
  }
  expect(await fixture.git(worktree, ["status", "--porcelain=v2"])).toBe(before);
});
