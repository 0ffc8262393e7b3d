import { afterAll, beforeAll, expect, it } from "vitest";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";

// Found by the concurrency drill (issue 19): a stash (or commit, merge, push) that waited for the
// repository's lock behind a remove of the same worktree then ran git in a folder that was gone;
// node's spawn failed as if git were missing (ENOENT) and the sidecar answered 500. Under the lock the
// worktree is now checked again: the answer a serial order gives, 409 not-a-worktree.
// Found again in CI (issue 20's run): the check before the lock could itself start git in a folder the
// remove had just taken, and a diff (no lock: it only reads) could copy an index that was gone.

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

const WRITES: Array<[string, Record<string, unknown>]> = [
  ["/v1/worktrees/stash", { message: "x" }],
  ["/v1/worktrees/commit", { message: "x" }],
  ["/v1/worktrees/merge", { branch: "main", message: "x" }],
  ["/v1/worktrees/push", {}],
];

it("a stash, commit, merge or push queued behind the remove of its worktree answers 409 not-a-worktree, never 500", async () => {
  const answers: Array<{ route: string; status: number; code: string | undefined }> = [];
  for (let round = 0; round < 4; round += 1) {
    const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: `gone-${round}`, repoPath: fixture.clone });
    const worktree = created.body.path;
    // The remove is sent first and reaches the lock first; the writes queue behind it.
    const remove = sidecar.request("POST", "/v1/worktrees/remove", { path: worktree });
    const writes = WRITES.flatMap(([route, body]) =>
      [0, 1].map(async () => {
        const answer = await sidecar.request<{ error?: { code?: string } }>("POST", route, { path: worktree, ...body });
        answers.push({ route, status: answer.status, code: answer.body.error?.code });
      }),
    );
    expect((await remove).status).toBe(200);
    await Promise.all(writes);
  }
  expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
  // The race was met: some writes found the worktree gone under the lock.
  expect(answers.some((answer) => answer.status === 409 && answer.code === "not-a-worktree")).toBe(true);
  expect(sidecar.output()).not.toContain("unexpected error");
});

const READS: Array<[string, Record<string, unknown>]> = [
  ["/v1/worktrees/diff", { scope: "uncommitted" }],
  ["/v1/worktrees/diff", { scope: "base" }],
  ["/v1/worktrees/origin", {}],
  ["/v1/worktrees/repository", {}],
];

it("a diff, origin or repository read racing the remove of its worktree answers the worktree or its absence, never 500", async () => {
  const answers: Array<{ route: string; status: number; code: string | undefined }> = [];
  for (let round = 0; round < 8; round += 1) {
    const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: `read-gone-${round}`, repoPath: fixture.clone });
    const worktree = created.body.path;
    const remove = sidecar.request("POST", "/v1/worktrees/remove", { path: worktree });
    const reads = READS.flatMap(([route, body]) =>
      [0, 1, 2].map(async () => {
        const answer = await sidecar.request<{ error?: { code?: string } }>("POST", route, { path: worktree, ...body });
        answers.push({ route, status: answer.status, code: answer.body.error?.code });
      }),
    );
    expect((await remove).status).toBe(200);
    await Promise.all(reads);
  }
  expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
  // A read that lost the race says the worktree is gone, not that its changes "could not be read".
  expect(answers.filter((answer) => answer.code === "diff-failed")).toEqual([]);
  expect(answers.some((answer) => answer.status !== 200 && answer.code === "not-a-worktree")).toBe(true);
  expect(sidecar.output()).not.toContain("unexpected error");
});
