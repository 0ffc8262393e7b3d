import { rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { riskReportSchema } from "../server/schemas/risk-report";
import { createRepoFixture, makeTempDir, runGitIn, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * Every repository state of issue 4, built for real (bare origin, clone, worktrees under one root)
 * and checked by the running sidecar over HTTP in one request.
 */

let root: string;
let main: RepoFixture;
let trunk: RepoFixture;
let noHead: RepoFixture;
let sidecar: SidecarProcess;
const wt: Record<string, string> = {};
const reports = new Map<string, RiskReport>();

function report(name: string): RiskReport {
  const dir = wt[name];
  const found = dir === undefined ? undefined : reports.get(dir);
  if (!found) throw new Error(`no report for ${name}`);
  return found;
}

async function buildMainStates(repo: RepoFixture): Promise<void> {
  const { git, clone, commit, write, addWorktree } = repo;
  const push = (dir: string, branch: string) => git(dir, ["push", "-q", "-u", "origin", branch]);

  // Clean, pushed and merged: a feature merged into main with a merge commit.
  wt.merged = await addWorktree("merged");
  await commit(wt.merged, { "merged.txt": "merged\n" }, "add merged.txt");
  await push(wt.merged, "merged");
  await git(clone, ["merge", "-q", "--no-ff", "-m", "merge merged", "merged"]);

  // Squash-merged: two commits that reach main as one squash commit.
  wt.squashed = await addWorktree("squashed");
  await commit(wt.squashed, { "squash-a.txt": "a\n" }, "squash part 1");
  await commit(wt.squashed, { "squash-b.txt": "b\n", "README.md": "# fixture\n\nline two, squashed\n" }, "squash part 2");
  await push(wt.squashed, "squashed");
  await git(clone, ["merge", "-q", "--squash", "squashed"]);
  await git(clone, ["commit", "-q", "-m", "squashed (#1)"]);

  // Cherry-picked: the branch's one commit is picked onto main.
  wt.picked = await addWorktree("picked");
  const picked = await commit(wt.picked, { "picked.txt": "picked\n" }, "add picked.txt");
  await push(wt.picked, "picked");
  await git(clone, ["cherry-pick", picked]);
  await git(clone, ["push", "-q", "origin", repo.defaultBranch]);

  wt.pushed = await addWorktree("pushed-not-merged");
  await commit(wt.pushed, { "pushed.txt": "pushed\n" }, "add pushed.txt");
  await push(wt.pushed, "pushed-not-merged");

  wt.ahead = await addWorktree("ahead");
  await commit(wt.ahead, { "ahead.txt": "1\n" }, "ahead 1");
  await push(wt.ahead, "ahead");
  await commit(wt.ahead, { "ahead.txt": "2\n" }, "ahead 2 (not pushed)");

  wt.local = await addWorktree("never-pushed");
  await commit(wt.local, { "local.txt": "local\n" }, "local only");

  wt.fresh = await addWorktree("fresh");
  // Ignored by the committed .gitignore: not work at risk, but .env is worth naming.
  await write(wt.fresh, { "debug.log": "noise\n", ".env": "SECRET=1\n" });

  wt.untracked = await addWorktree("untracked");
  await write(wt.untracked, { "notes.txt": "n\n", "new/nested/deep.txt": "d\n" });

  wt.staged = await addWorktree("staged");
  await write(wt.staged, { "staged.txt": "s\n" });
  await git(wt.staged, ["add", "staged.txt"]);

  wt.unstaged = await addWorktree("unstaged");
  await write(wt.unstaged, { "README.md": "# fixture\n\nedited\n" });

  wt.deleted = await addWorktree("deleted");
  await rm(path.join(wt.deleted, "README.md"));

  wt.conflict = await addWorktree("conflict", { branch: "conflict-theirs" });
  await commit(wt.conflict, { "README.md": "theirs\n" }, "their readme");
  await git(wt.conflict, ["switch", "-q", "-c", "conflict", `origin/${repo.defaultBranch}`]);
  await commit(wt.conflict, { "README.md": "ours\n" }, "our readme");
  await git(wt.conflict, ["merge", "-q", "conflict-theirs"], { allowFailure: true });

  wt.rebase = await addWorktree("rebase", { branch: "rebase-onto" });
  await commit(wt.rebase, { "README.md": "onto\n" }, "onto readme");
  await git(wt.rebase, ["switch", "-q", "-c", "rebasing", `origin/${repo.defaultBranch}`]);
  await commit(wt.rebase, { "README.md": "rebased\n" }, "rebased readme");
  await git(wt.rebase, ["rebase", "-q", "rebase-onto"], { allowFailure: true });

  wt.detachedNew = await addWorktree("detached-new", { detach: true });
  await commit(wt.detachedNew, { "orphan.txt": "o\n" }, "commit on a detached HEAD");
  wt.detachedPushed = await addWorktree("detached-pushed", { detach: true });

  wt.assume = await addWorktree("assume-unchanged");
  await git(wt.assume, ["update-index", "--assume-unchanged", "README.md"]);
  await write(wt.assume, { "README.md": "# fixture\n\nhidden edit\n" });

  wt.skip = await addWorktree("skip-worktree");
  await git(wt.skip, ["update-index", "--skip-worktree", "README.md"]);
  await write(wt.skip, { "README.md": "# fixture\n\nhidden edit\n" });

  wt.showUntrackedNo = await addWorktree("show-untracked-no");
  await write(wt.showUntrackedNo, { "invisible.txt": "i\n" });

  wt.infoExclude = await addWorktree("info-exclude");
  await write(wt.infoExclude, { "secret-notes/plan.md": "p\n", "idea.scratch": "s\n" });

  wt.excludesFile = await addWorktree("excludes-file");
  await write(wt.excludesFile, { "draft.private": "d\n" });

  wt.selfIgnoring = await addWorktree("self-ignoring");
  await write(wt.selfIgnoring, { "scratch/.gitignore": "*\n", "scratch/work.txt": "w\n" });

  // A submodule whose content was edited.
  const sub = path.join(repo.base, "sublib.git");
  const subSeed = path.join(repo.base, "sublib-seed");
  await git(repo.base, ["init", "-q", "--bare", "-b", "main", sub]);
  await git(repo.base, ["init", "-q", "-b", "main", subSeed]);
  await commit(subSeed, { "lib.txt": "lib\n" }, "lib");
  await git(subSeed, ["push", "-q", sub, "main"]);
  wt.submodule = await addWorktree("submodule");
  await git(wt.submodule, ["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "lib"]);
  await git(wt.submodule, ["commit", "-q", "-m", "add lib submodule"]);
  await push(wt.submodule, "submodule");
  await write(wt.submodule, { "lib/lib.txt": "edited inside the submodule\n" });

  // Histories that share no commit with main (issue 12): judged on their commits, never "could not verify".
  const orphan = async (name: string, files: Record<string, string>) => {
    const dir = await addWorktree(name);
    await git(dir, ["checkout", "-q", "--orphan", `${name}-history`]);
    await git(dir, ["rm", "-q", "-rf", "."]);
    if (Object.keys(files).length > 0) await commit(dir, files, `root of ${name}`);
    return dir;
  };
  wt.unrelated = await orphan("unrelated", { "other.txt": "another history\n" });
  wt.unrelatedPushed = await orphan("unrelated-pushed", { "other.txt": "another history\n" });
  await push(wt.unrelatedPushed, "unrelated-pushed-history");
  wt.unrelatedHeld = await orphan("unrelated-held", { ".gitignore": "*.log\n.env\n" });
  await push(wt.unrelatedHeld, "unrelated-held-history");
  wt.unborn = await orphan("unborn", {});

  wt.locked = await addWorktree("locked");
  await git(clone, ["worktree", "lock", "--reason", "on a removable disk", wt.locked]);

  wt.missing = await addWorktree("missing");
  await rm(wt.missing, { recursive: true, force: true });

  wt.space = await addWorktree("with space", { branch: "with-space" });
  wt.dash = await addWorktree("-leading-dash", { branch: "leading-dash" });
  wt.nonAscii = await addWorktree("nön-ascii-ß", { branch: "non-ascii" });
  wt.oddFiles = await addWorktree("odd files é", { branch: "odd-files" });
  await write(wt.oddFiles, { "a file.txt": "a\n", "dïr/ñ -x.txt": "n\n" });

  // Repository config that tries to hide untracked work, set last so the builders above are unaffected.
  await git(clone, ["config", "status.showUntrackedFiles", "no"]);
  await writeFile(path.join(clone, ".git", "info", "exclude"), "# local rules\nsecret-notes/\n*.scratch\n");
  await writeFile(path.join(repo.base, "private-ignore"), "*.private\n");
  await git(clone, ["config", "core.excludesFile", path.join(repo.base, "private-ignore")]);

  wt.linkIn = path.join(root, "link-to-fresh");
  await symlink(wt.fresh, wt.linkIn);
}

beforeAll(async () => {
  root = await makeTempDir("boochat-risk-root-");
  main = await createRepoFixture({ worktreeRoot: root });
  trunk = await createRepoFixture({ defaultBranch: "trunk", worktreeRoot: root });
  noHead = await createRepoFixture({ setOriginHead: false, worktreeRoot: root });
  const [started] = await Promise.all([
    startSidecar({ worktreeRoot: root }),
    (async () => {
      await buildMainStates(main);
      wt.trunkClean = await trunk.addWorktree("trunk-clean");
      wt.trunkUnmerged = await trunk.addWorktree("trunk-unmerged");
      await trunk.commit(wt.trunkUnmerged, { "t.txt": "t\n" }, "on top of trunk");
      await trunk.git(wt.trunkUnmerged, ["push", "-q", "-u", "origin", "trunk-unmerged"]);
      wt.noHeadClean = await noHead.addWorktree("no-origin-head-clean");
      wt.noHeadDirty = await noHead.addWorktree("no-origin-head-dirty");
      await noHead.write(wt.noHeadDirty, { "wip.txt": "w\n" });
    })(),
  ]);
  sidecar = started;
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
  await Promise.all([main?.cleanup(), trunk?.cleanup(), noHead?.cleanup()]);
  if (root) await rm(root, { recursive: true, force: true });
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
