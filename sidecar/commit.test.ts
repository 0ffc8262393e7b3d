import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exists, makeUserRepo } from "../tests/helpers/git-workdir";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

type CommitAnswer = { committed: boolean; commit: string | null; report: { status: string; reasons: string[]; unpushed: { count: number } } };

let repo: Awaited<ReturnType<typeof makeUserRepo>>;
let sidecar: SidecarProcess;

beforeAll(async () => {
  repo = await makeUserRepo();
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });
});
afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

async function worktree(sessionId: string): Promise<string> {
  const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId, repoPath: repo.repo });
  expect(created.status).toBe(200);
  return created.body.path;
}

describe("POST /v1/worktrees/commit", () => {
  it("commits every change (modified and untracked, in a new folder) with the given message", async () => {
    const wt = await worktree("commit-all");
    await fs.writeFile(path.join(wt, "README.md"), "# changed\n");
    await fs.mkdir(path.join(wt, "src"));
    await fs.writeFile(path.join(wt, "src", "new.ts"), "export {};\n");
    const answer = await sidecar.request<CommitAnswer>("POST", "/v1/worktrees/commit", { path: wt, message: "all of it" });
    expect(answer.status).toBe(200);
    expect(answer.body.committed).toBe(true);
    expect(answer.body.commit).toBe(await repo.git(wt, "rev-parse", "HEAD"));
    expect(await repo.git(wt, "log", "-1", "--format=%s")).toBe("all of it");
    expect((await repo.git(wt, "show", "--name-status", "--format=", "HEAD")).split("\n").sort()).toEqual(["A\tsrc/new.ts", "M\tREADME.md"]);
    expect(await repo.git(wt, "status", "--porcelain")).toBe("");
    expect(answer.body.report.reasons).not.toContain("dirty");
    expect(answer.body.report.unpushed.count).toBe(1);
  });

  it("answers committed: false when there is nothing to commit", async () => {
    const wt = await worktree("commit-nothing");
    const head = await repo.git(wt, "rev-parse", "HEAD");
    const answer = await sidecar.request<CommitAnswer>("POST", "/v1/worktrees/commit", { path: wt, message: "nothing" });
    expect(answer.body).toMatchObject({ committed: false, commit: null });
    expect(await repo.git(wt, "rev-parse", "HEAD")).toBe(head);
  });

  it("never runs the repository's hooks (a pre-commit hook in .git/hooks or a configured hooksPath)", async () => {
    const wt = await worktree("commit-hooks");
    const marker = path.join(repo.base, "hook-ran");
    const hook = `#!/bin/sh\necho ran > '${marker}'\n`;
    const commonDir = path.resolve(wt, await repo.git(wt, "rev-parse", "--git-common-dir"));
    await fs.writeFile(path.join(commonDir, "hooks", "pre-commit"), hook, { mode: 0o755 });
    await fs.writeFile(path.join(commonDir, "hooks", "post-commit"), hook, { mode: 0o755 });
    const hooksDir = path.join(repo.base, "evil-hooks");
    await fs.mkdir(hooksDir);
    await fs.writeFile(path.join(hooksDir, "commit-msg"), hook, { mode: 0o755 });
    await repo.git(wt, "config", "core.hooksPath", hooksDir);
    await fs.writeFile(path.join(wt, "x.txt"), "x\n");
    const answer = await sidecar.request<CommitAnswer>("POST", "/v1/worktrees/commit", { path: wt, message: "no hooks" });
    expect(answer.body.committed).toBe(true);
    expect(await exists(marker)).toBe(false);
    await repo.git(wt, "config", "--unset", "core.hooksPath");
  });

  it("refuses an empty message and a path outside the root, naming the problem", async () => {
    const wt = await worktree("commit-bad-input");
    const empty = await sidecar.request<{ error: { message: string } }>("POST", "/v1/worktrees/commit", { path: wt, message: " " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("message");
    const outside = await sidecar.request<{ error: { message: string } }>("POST", "/v1/worktrees/commit", { path: repo.repo, message: "m" });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toContain("outside the worktree root");
  });
});
