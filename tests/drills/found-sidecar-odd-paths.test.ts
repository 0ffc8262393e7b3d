import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepoFixture, type RepoFixture } from "../helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../helpers/sidecar-process";

// Found by the sidecar fuzz drill (issue 19): three kinds of path inside the root made the sidecar
// answer 500 instead of saying what is wrong:
// - a file (a worktree's `.git` file, its README): node's spawn throws at once when its cwd is not a
//   folder, which the runner did not catch (repository, origin, diff, stash, commit, merge, push; and
//   create with such a repoPath);
// - a symbolic link loop, and a name longer than the file system allows: realpath's ELOOP and
//   ENAMETOOLONG were not expected (every route with a path).

let fixture: RepoFixture;
let sidecar: SidecarProcess;
let worktree: string;

beforeAll(async () => {
  fixture = await createRepoFixture();
  sidecar = await startSidecar({ worktreeRoot: fixture.worktreeRoot, env: { HOME: fixture.home } });
  const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "odd", repoPath: fixture.clone });
  worktree = created.body.path;
  fs.symlinkSync(path.join(fixture.worktreeRoot, "loop"), path.join(fixture.worktreeRoot, "loop"));
});
afterAll(async () => {
  await sidecar?.stop();
  await fixture?.cleanup();
});

const ROUTES: Array<[string, Record<string, unknown>]> = [
  ["/v1/worktrees/repository", {}],
  ["/v1/worktrees/origin", {}],
  ["/v1/worktrees/diff", { scope: "base" }],
  ["/v1/worktrees/stash", { message: "x" }],
  ["/v1/worktrees/commit", { message: "x" }],
  ["/v1/worktrees/merge", { branch: "main", message: "x" }],
  ["/v1/worktrees/push", {}],
  ["/v1/worktrees/remove", {}],
];

describe("odd paths inside the worktree root", () => {
  it("a file is no worktree: every route says so (404/409, or an unverified report) and changes nothing", async () => {
    const before = fs.readFileSync(path.join(worktree, ".git"), "utf8");
    for (const file of [path.join(worktree, ".git"), path.join(worktree, "README.md")]) {
      for (const [route, rest] of ROUTES) {
        const answer = await sidecar.request<{ error?: { message: string }; reports?: Array<{ status: string }> }>("POST", route, { path: file, ...rest });
        expect([404, 409], `${route} ${file}`).toContain(answer.status);
        if (route.endsWith("/remove")) expect(answer.body.reports?.[0]?.status).toBe("unverified");
        else expect(answer.body.error?.message).toContain("is not the top of a git worktree");
      }
      const risk = await sidecar.request<{ reports: Array<{ status: string; error?: string }> }>("POST", "/v1/worktrees/risk", { paths: [file] });
      expect(risk.status).toBe(200);
      expect(risk.body.reports[0]).toMatchObject({ status: "unverified", error: expect.stringContaining("is not a directory") });
    }
    expect(fs.readFileSync(path.join(worktree, ".git"), "utf8")).toBe(before);
  });

  it("a file as repoPath is no repository: create and fetch answer 400 not-a-repository", async () => {
    for (const file of [path.join(worktree, ".git"), path.join(fixture.clone, "README.md")]) {
      const create = await sidecar.request<{ error: { code: string; message: string } }>("POST", "/v1/worktrees", { sessionId: "from-a-file", repoPath: file });
      expect(create.status).toBe(400);
      expect(create.body.error).toEqual({ code: "not-a-repository", message: `repoPath: ${file} is not a git repository` });
      const fetched = await sidecar.request<{ error: { code: string } }>("POST", "/v1/repos/fetch", { repoPath: file });
      expect(fetched.status).toBe(400);
    }
    expect(fs.existsSync(path.join(fixture.worktreeRoot, "clone-from-a-file"))).toBe(false);
  });

  it("a symbolic link loop and an over-long name are bad input (400) naming the field, for every route", async () => {
    const loop = path.join(fixture.worktreeRoot, "loop", "x");
    const long = path.join(fixture.worktreeRoot, "a".repeat(300));
    for (const [route, rest] of [...ROUTES, ["/v1/worktrees/risk", {}] as [string, Record<string, unknown>]]) {
      for (const [bad, words] of [
        [loop, "its symbolic links form a loop"],
        [long, "is longer than the file system allows"],
      ]) {
        const body = route.endsWith("/risk") ? { paths: [worktree, bad] } : { path: bad, ...rest };
        const answer = await sidecar.request<{ error: { code: string; message: string } }>("POST", route, body);
        expect(answer.status, `${route} ${words}`).toBe(400);
        expect(answer.body.error.code).toBe("invalid-input");
        expect(answer.body.error.message).toContain(words);
        expect(answer.body.error.message).toMatch(/^paths?(\.1)?: /);
      }
    }
    expect((await sidecar.request("GET", "/healthz")).status).toBe(200);
    expect(sidecar.output()).not.toContain("unexpected error");
  });
});
