import { chmod, mkdir, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WorktreeDiff } from "../server/schemas/diff";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * Drivers that `-c filter.<name>.clean=` cannot reach: names holding `=` (valid in .gitattributes),
 * `.` and quotes, a driver defined only under an include condition that is false in the repository but
 * true in the worktree the sidecar creates, and submodules whose own config defines drivers: a `.git`
 * folder inside the worktree (two levels deep) and a gitfile pointing outside it. Every command leaves
 * a marker file when it runs; every sidecar call must leave none.
 */

let repo: RepoFixture;
let sidecar: SidecarProcess;
let markers: string;
let dirty: string;
let withSubs: string;

const past = new Date(Date.now() - 3_600_000);

async function markersLeft(): Promise<string[]> {
  return (await readdir(markers)).sort();
}

function touching(marker: string, then = "cat"): string {
  return `touch '${path.join(markers, marker)}'; ${then}`;
}

async function script(file: string, marker: string): Promise<void> {
  await writeFile(file, `#!/bin/sh\ntouch '${path.join(markers, marker)}'\nexit 0\n`);
  await chmod(file, 0o755);
}

/** Same size, an hour old: git can only tell by reading the content, so status would run the clean filter. */
async function editUnseen(dir: string, files: Record<string, string>): Promise<void> {
  await repo.write(dir, files);
  for (const file of Object.keys(files)) await utimes(path.join(dir, file), past, past);
}

/** A repository inside `dir` at `name` (its `.git` a folder there), committed and recorded as a gitlink. */
async function nestedRepo(dir: string, name: string, files: Record<string, string>): Promise<string> {
  const inner = path.join(dir, name);
  await repo.git(dir, ["init", "-q", "-b", "main", name]);
  await repo.commit(inner, files, `${name} content`);
  return inner;
}

async function hostileConfig(dir: string, entries: Array<[string, string]>): Promise<void> {
  for (const [key, value] of entries) await repo.git(dir, ["config", key, value]);
}

async function buildSubmodules(): Promise<void> {
  const { git, base } = repo;
  withSubs = await repo.addWorktree("with-submodules");
  // inner/.git is a folder inside the worktree; inner/deep is a second level of the same kind.
  const inner = await nestedRepo(withSubs, "inner", { ".gitattributes": "*.txt filter=s=t\n", "lib.txt": "lib\n" });
  const deep = await nestedRepo(inner, "deep", { ".gitattributes": "*.txt filter=d.e=ep\n", "deep.txt": "deep\n" });
  await git(inner, ["add", "deep"]);
  await git(inner, ["commit", "-q", "-m", "deep as a gitlink"]);
  // ext/.git is a gitfile pointing to a git dir outside the worktree.
  await git(withSubs, ["init", "-q", "-b", "main", "--separate-git-dir", path.join(base, "elsewhere.git"), "ext"]);
  await repo.commit(path.join(withSubs, "ext"), { ".gitattributes": "*.txt filter=far=away\n", "ext.txt": "ext\n" }, "ext content");
  await git(withSubs, ["add", "inner", "ext"]);
  await git(withSubs, ["commit", "-q", "-m", "submodules as gitlinks"]);
  await git(withSubs, ["push", "-q", "origin", "with-submodules"]);

  await hostileConfig(inner, [["filter.s=t.clean", touching("inner-clean")], ["core.fsmonitor", path.join(base, "scripts", "fsmonitor")]]);
  await script(path.join(inner, ".git", "hooks", "post-index-change"), "inner-hook");
  await hostileConfig(deep, [["filter.d.e=ep.clean", touching("deep-clean")]]);
  await hostileConfig(path.join(withSubs, "ext"), [["filter.far=away.clean", touching("ext-clean")]]);
  await editUnseen(withSubs, { "inner/lib.txt": "LIB\n", "inner/deep/deep.txt": "DEEP\n", "ext/ext.txt": "EXT\n" });
}

beforeAll(async () => {
  repo = await createRepoFixture();
  const { git, clone, commit, base } = repo;
  markers = path.join(base, "markers");
  await mkdir(markers);
  await mkdir(path.join(base, "scripts"));
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });

  // Content first, while the repository is harmless.
  const attributes = '*.txt filter=a=b diff=d=iff merge=m=n\n*.dat filter=x.y\n*.q filter=q"uote\n*.late filter=late=one\n';
  await commit(clone, { ".gitattributes": attributes, "data.txt": "hello\n", "f.dat": "dat\n", "g.q": "q\n", "m.txt": "base\n", "x.late": "late\n" }, "attributes");
  await git(clone, ["push", "-q", "origin", "main"]);
  dirty = await repo.addWorktree("dirty");
  await commit(dirty, { "m.txt": "branch side\n" }, "branch edits m.txt");
  await commit(clone, { "m.txt": "main side\n" }, "main edits m.txt");
  await git(clone, ["push", "-q", "origin", "main"]);
  await git(dirty, ["fetch", "-q", "origin"]);
  await buildSubmodules();

  // Now hostile: drivers, programs and hooks in the repository's config, one include active only on boochat/* branches.
  await script(path.join(base, "scripts", "fsmonitor"), "fsmonitor");
  for (const hook of ["post-index-change", "reference-transaction", "post-checkout", "pre-commit", "post-commit", "pre-auto-gc"]) {
    await script(path.join(clone, ".git", "hooks", hook), `hook-${hook}`);
  }
  await writeFile(path.join(base, "branch-only.gitconfig"), `[filter "late=one"]\n\tsmudge = ${touching("late-smudge")}\n\tclean = ${touching("late-clean")}\n`);
  await writeFile(path.join(clone, ".git", "relative.gitconfig"), `[filter "x.y"]\n\tclean = ${touching("xy-clean")}\n\tsmudge = ${touching("xy-smudge")}\n`);
  await hostileConfig(clone, [
    ["filter.a=b.clean", touching("ab-clean")],
    ["filter.a=b.smudge", touching("ab-smudge")],
    ['filter.q"uote.clean', touching("quote-clean")],
    ['filter.q"uote.smudge', touching("quote-smudge")],
    ["diff.d=iff.textconv", touching("textconv")],
    ["diff.d=iff.command", touching("diff-command", "true")],
    ["diff.external", touching("diff-external", "true")],
    ["merge.m=n.driver", touching("merge-driver", "false")],
    ["core.fsmonitor", path.join(base, "scripts", "fsmonitor")],
    ["core.pager", touching("pager")],
    ["pager.status", touching("pager-status")],
    ["core.editor", touching("editor", "true")],
    ["sequence.editor", touching("sequence-editor", "true")],
    ["core.sshCommand", touching("ssh", "true")],
    ["credential.helper", `!${touching("credential", "true")}`],
    ["gpg.program", path.join(base, "scripts", "gpg")],
    ["include.path", "relative.gitconfig"],
    ["includeIf.onbranch:boochat/**.path", path.join(base, "branch-only.gitconfig")],
  ]);
  await script(path.join(base, "scripts", "gpg"), "gpg");
  await editUnseen(dirty, { "data.txt": "HELLO\n", "f.dat": "DAT\n", "g.q": "Q\n", "x.late": "LATE\n" });
  expect(await markersLeft()).toEqual([]);
}, 90_000);

// Each test answers for its own call: a marker left by an earlier one must not fail it.
beforeEach(async () => {
  await rm(markers, { recursive: true, force: true });
  await mkdir(markers);
});

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

describe("drivers no -c switch could name", () => {
  it("risk check: runs none, also in a folder submodule, a nested one and one whose git dir is elsewhere", async () => {
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [dirty, withSubs] });
    expect(response.status).toBe(200);
    const [plain, subs] = response.body.reports;
    // merge-tree ran on m.txt (changed on both sides): the neutralised merge driver made it a conflict, so unmerged.
    expect(plain).toMatchObject({ status: "at-risk", reasons: ["dirty", "unpushed", "unmerged"], dirty: { unstaged: 4 } });
    expect(subs).toMatchObject({ status: "at-risk", reasons: ["dirty", "unmerged"] });
    expect([...(subs?.dirty.files ?? [])].sort()).toEqual(["ext", "inner"]);
    expect(await markersLeft()).toEqual([]);
  });

  it("diff: runs none (filter, textconv, diff command, external diff, fsmonitor, hooks) in every scope, submodules included", async () => {
    const commit = await repo.git(dirty, ["rev-parse", "HEAD"]);
    for (const body of [
      { path: dirty, scope: "base" },
      { path: dirty, scope: "uncommitted" },
      { path: dirty, scope: "base", commit },
      { path: withSubs, scope: "base" },
    ]) {
      const response = await sidecar.request<WorktreeDiff>("POST", "/v1/worktrees/diff", body);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    }
    const response = await sidecar.request<WorktreeDiff>("POST", "/v1/worktrees/diff", { path: dirty, scope: "uncommitted", paths: ["data.txt"] });
    // The file's own bytes: no clean filter, no textconv in between.
    expect(response.body.files[0]?.patch).toMatch(/-hello\n\+HELLO\n$/);
    expect(await markersLeft()).toEqual([]);
  });

  it("commit: runs none in a worktree with submodules", async () => {
    const response = await sidecar.request<{ committed: boolean; report: RiskReport }>("POST", "/v1/worktrees/commit", { path: withSubs, message: "hostile" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("stash: runs none, also in a worktree with submodules", async () => {
    const response = await sidecar.request<{ stashed: boolean }>("POST", "/v1/worktrees/stash", { path: dirty, message: "boochat: hostile" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.stashed).toBe(true);
    // Edits inside submodules are not git stash's to save; what matters is that nothing ran.
    const subs = await sidecar.request("POST", "/v1/worktrees/stash", { path: withSubs, message: "boochat: hostile" });
    expect(subs.status, JSON.stringify(subs.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("create: runs none, not even a driver only an include condition of the new branch names", async () => {
    const response = await sidecar.request<{ path: string; branch: string }>("POST", "/v1/worktrees", { sessionId: "hostile-create", repoPath: repo.clone });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.branch).toBe("boochat/hostile-create");
    expect(await markersLeft()).toEqual([]);
  });

  it("origin lookup: runs none", async () => {
    const response = await sidecar.request<{ branch: string | null }>("POST", "/v1/worktrees/origin", { path: dirty });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("worktree lookup: runs none", async () => {
    const response = await sidecar.request<{ repoPath: string }>("POST", "/v1/worktrees/repository", { path: dirty });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("remove: runs none, though git's own check reads every file again", async () => {
    const created = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "hostile-remove", repoPath: repo.clone });
    expect(created.status).toBe(200);
    // Files as new as the index are "racily clean": git must read them, so its status would run the clean filters.
    const index = await stat(path.join(repo.clone, ".git", "worktrees", "clone-hostile-remove", "index"));
    for (const file of ["data.txt", "f.dat", "g.q", "x.late"]) await utimes(path.join(created.body.path, file), index.mtime, index.mtime);
    const response = await sidecar.request("POST", "/v1/worktrees/remove", { path: created.body.path });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("would have run them under plain git (the traps are real)", async () => {
    await repo.git(repo.clone, ["worktree", "add", "-q", "-b", "boochat/trap", path.join(repo.base, "trap")]);
    await editUnseen(withSubs, { "inner/lib.txt": "LiB\n", "inner/deep/deep.txt": "DeEP\n", "ext/ext.txt": "ExT\n" });
    await repo.git(withSubs, ["status", "--porcelain"], { allowFailure: true });
    await repo.git(dirty, ["stash", "pop", "-q"], { allowFailure: true });
    await editUnseen(dirty, { "data.txt": "HeLLO\n", "f.dat": "DaT\n", "g.q": "q\n" });
    await repo.git(dirty, ["status", "--porcelain"], { allowFailure: true });
    await repo.git(dirty, ["merge-tree", "--write-tree", "origin/main", "HEAD"], { allowFailure: true });
    await repo.git(dirty, ["diff"], { allowFailure: true });
    await repo.git(dirty, ["diff", "--no-ext-diff"], { allowFailure: true });
    expect(await markersLeft()).toEqual(
      expect.arrayContaining([
        "ab-clean",
        "xy-clean",
        "quote-clean",
        "late-smudge",
        "inner-clean",
        "deep-clean",
        "ext-clean",
        "merge-driver",
        "fsmonitor",
        "diff-external",
        "textconv",
      ]),
    );
  });
});
