import { rm, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { riskReportSchema } from "../server/schemas/risk-report";
import { makeTempDir, runGitIn, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";
import { buildRiskStates, type RiskStates } from "../tests/sidecar/risk-states";

/**
 * Every repository state of issue 4 (tests/sidecar/risk-states.ts), checked by the running sidecar over
 * HTTP in one request.
 */

let root: string;
let main: RepoFixture;
let states: RiskStates;
let sidecar: SidecarProcess;
let wt: Record<string, string> = {};
const reports = new Map<string, RiskReport>();

function report(name: string): RiskReport {
  const dir = wt[name];
  const found = dir === undefined ? undefined : reports.get(dir);
  if (!found) throw new Error(`no report for ${name}`);
  return found;
}

beforeAll(async () => {
  root = await makeTempDir("boochat-risk-root-");
  [sidecar, states] = await Promise.all([startSidecar({ worktreeRoot: root }), buildRiskStates(root)]);
  ({ main, wt } = states);
  const paths = Object.values(wt);
  const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.reports).toHaveLength(paths.length);
  response.body.reports.forEach((item, index) => {
    expect(item.path).toBe(paths[index]);
    reports.set(paths[index] ?? "", riskReportSchema.parse(item));
  });
}, 120_000);

afterAll(async () => {
  await sidecar?.stop();
  if (states) await states.cleanup();
  else if (root) await rm(root, { recursive: true, force: true });
});

describe("risk check of each repository state", () => {
  it("calls a pushed branch merged into main clean", () => {
    const r = report("merged");
    expect(r).toMatchObject({ status: "clean", reasons: [], branch: "merged", defaultBranch: "main" });
    expect(r.head).toMatch(/^[0-9a-f]{40}$/);
    expect(r.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("calls a fresh worktree clean even with ignored files, and names .env among them", () => {
    const r = report("fresh");
    expect(r.status).toBe("clean");
    expect(r.dirty.files).toEqual([]);
    expect(r.notableIgnored).toEqual([".env"]);
  });

  it("calls a squash-merged branch merged", () => {
    expect(report("squashed")).toMatchObject({ status: "clean", reasons: [], unmerged: { count: 0 } });
  });

  it("calls a cherry-picked branch merged", () => {
    expect(report("picked")).toMatchObject({ status: "clean", reasons: [], unmerged: { count: 0 } });
  });

  it("flags a pushed branch that is not merged as unmerged only", () => {
    const r = report("pushed");
    expect(r).toMatchObject({ status: "at-risk", reasons: ["unmerged"], unpushed: { count: 0, upstream: "origin/pushed-not-merged" } });
    expect(r.unmerged.commits.map((c) => c.subject)).toEqual(["add pushed.txt"]);
  });

  it("flags commits not pushed to the branch's upstream", () => {
    const r = report("ahead");
    expect(r.status).toBe("at-risk");
    expect(r.reasons).toEqual(["unpushed", "unmerged"]);
    expect(r.unpushed).toMatchObject({ count: 1, upstream: "origin/ahead", commits: [{ subject: "ahead 2 (not pushed)" }] });
  });

  it("flags a branch that was never pushed", () => {
    const r = report("local");
    expect(r.reasons).toEqual(["unpushed", "unmerged"]);
    expect(r.unpushed).toMatchObject({ count: 1, upstream: null });
  });

  it("counts untracked files one by one, also inside a new nested folder", () => {
    const r = report("untracked");
    expect(r).toMatchObject({ status: "at-risk", reasons: ["dirty"] });
    expect(r.dirty).toMatchObject({ untracked: 2, staged: 0, unstaged: 0, conflicted: 0 });
    expect([...r.dirty.files].sort()).toEqual(["new/nested/deep.txt", "notes.txt"]);
  });

  it("flags a staged file", () => {
    expect(report("staged")).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { staged: 1, unstaged: 0, files: ["staged.txt"] } });
  });

  it("flags an unstaged edit", () => {
    expect(report("unstaged")).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { unstaged: 1, files: ["README.md"] } });
  });

  it("flags a deleted tracked file", () => {
    expect(report("deleted")).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { unstaged: 1, files: ["README.md"] } });
  });

  it("flags a merge stopped on a conflict", () => {
    const r = report("conflict");
    expect(r.status).toBe("at-risk");
    expect(r.reasons).toEqual(expect.arrayContaining(["dirty", "operation-in-progress"]));
    expect(r.dirty.conflicted).toBe(1);
    expect(r.error).toMatch(/merge is in progress/);
  });

  it("flags a rebase stopped on a conflict", () => {
    const r = report("rebase");
    expect(r.status).toBe("at-risk");
    expect(r.reasons).toEqual(expect.arrayContaining(["dirty", "operation-in-progress"]));
    expect(r.dirty.conflicted).toBe(1);
    expect(r.error).toMatch(/rebase/);
  });

  it("flags a detached HEAD holding a commit nothing else reaches", () => {
    const r = report("detachedNew");
    expect(r.status).toBe("at-risk");
    expect(r.branch).toBeNull();
    expect(r.reasons).toEqual(["unpushed", "unmerged", "detached"]);
  });

  it("calls a detached HEAD on a pushed commit clean", () => {
    expect(report("detachedPushed")).toMatchObject({ status: "clean", branch: null, reasons: [] });
  });

  it("never calls a worktree with an assume-unchanged edit clean", () => {
    const r = report("assume");
    expect(r.status).toBe("unverified");
    expect(r.error).toMatch(/assume-unchanged: README\.md/);
  });

  it("never calls a worktree with a skip-worktree edit clean", () => {
    const r = report("skip");
    expect(r.status).toBe("unverified");
    expect(r.error).toMatch(/skip-worktree: README\.md/);
  });

  it("sees untracked files despite status.showUntrackedFiles=no", () => {
    expect(report("showUntrackedNo")).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { untracked: 1, files: ["invisible.txt"] } });
  });

  it("counts files hidden only by .git/info/exclude as untracked work", () => {
    const r = report("infoExclude");
    expect(r).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { untracked: 2 } });
    expect([...r.dirty.files].sort()).toEqual(["idea.scratch", "secret-notes/"]);
  });

  it("ignores the repository's core.excludesFile", () => {
    expect(report("excludesFile")).toMatchObject({ status: "at-risk", reasons: ["dirty"], dirty: { untracked: 1, files: ["draft.private"] } });
  });

  it("counts an untracked .gitignore that ignores itself as untracked work", () => {
    const r = report("selfIgnoring");
    expect(r.status).toBe("at-risk");
    expect(r.dirty.files).toContain("scratch/.gitignore");
  });

  it("flags a submodule with edited content", () => {
    const r = report("submodule");
    expect(r.status).toBe("at-risk");
    expect(r.reasons).toContain("dirty");
    expect(r.dirty.unstaged).toBe(1);
    expect(r.dirty.files).toContain("lib");
  });

  it("judges a branch with no history in common with main on its commits", () => {
    const local = report("unrelated");
    expect(local).toMatchObject({ status: "at-risk", reasons: ["unpushed", "unmerged"], unmerged: { count: 1 } });
    expect(local.error).toBeUndefined();
    expect(report("unrelatedPushed")).toMatchObject({ status: "at-risk", reasons: ["unmerged"], unpushed: { count: 0 } });
  });

  it("calls a pushed unrelated branch whose files main already holds merged", () => {
    expect(report("unrelatedHeld")).toMatchObject({ status: "clean", reasons: [], unmerged: { count: 0 } });
  });

  it("calls an unborn branch with nothing in it clean", () => {
    expect(report("unborn")).toMatchObject({ status: "clean", head: null, reasons: [] });
  });

  it("does not verify a locked worktree", () => {
    const r = report("locked");
    expect(r.status).toBe("unverified");
    expect(r.error).toMatch(/locked \(on a removable disk\)/);
  });

  it("does not verify a worktree whose directory is gone, and says so", () => {
    const r = report("missing");
    expect(r.status).toBe("unverified");
    expect(r.error).toBe(`the worktree directory ${wt.missing} does not exist`);
  });

  it("handles paths with spaces, a leading dash and non-ASCII letters", () => {
    for (const name of ["space", "dash", "nonAscii"]) expect(report(name).status, name).toBe("clean");
    const odd = report("oddFiles");
    expect(odd).toMatchObject({ status: "at-risk", dirty: { untracked: 2 } });
    expect([...odd.dirty.files].sort()).toEqual(["a file.txt", "dïr/ñ -x.txt"]);
  });

  it("follows a symlink that stays inside the root", () => {
    expect(report("linkIn")).toMatchObject({ status: "clean", path: wt.linkIn });
  });

  it("reads a default branch not called main from origin/HEAD", () => {
    expect(report("trunkClean")).toMatchObject({ status: "clean", defaultBranch: "trunk" });
    expect(report("trunkUnmerged")).toMatchObject({ status: "at-risk", reasons: ["unmerged"], defaultBranch: "trunk" });
  });

  it("does not guess a default branch when origin/HEAD is missing", () => {
    const clean = report("noHeadClean");
    expect(clean).toMatchObject({ status: "unverified", defaultBranch: null });
    expect(clean.error).toMatch(/refs\/remotes\/origin\/HEAD is not set/);
    const dirty = report("noHeadDirty");
    expect(dirty).toMatchObject({ status: "at-risk", reasons: ["dirty"], defaultBranch: null });
    expect(dirty.error).toMatch(/origin\/HEAD/);
  });

  it("refuses a symlink inside the root that points outside it", async () => {
    const link = path.join(root, "link-out");
    await symlink(main.base, link);
    const response = await sidecar.request<{ error: { code: string; message: string } }>("POST", "/v1/worktrees/risk", { paths: [wt.fresh, link] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("outside-worktree-root");
    expect(response.body.error.message).toMatch(/paths\.1: .*link-out is outside the worktree root .*resolves to/);
  });

  it("gives the same fingerprint for the same state and a new one when it changes", async () => {
    const first = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [wt.untracked] });
    expect(first.body.reports[0]?.fingerprint).toBe(report("untracked").fingerprint);
    await main.write(wt.untracked ?? "", { "one-more.txt": "x\n" });
    const second = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [wt.untracked] });
    expect(second.body.reports[0]?.fingerprint).not.toBe(report("untracked").fingerprint);
  });

  it("left the test repositories' own git usable (sanity)", async () => {
    expect(await runGitIn(main.home, main.clone, ["rev-parse", "--is-inside-work-tree"])).toBe("true");
  });
});
