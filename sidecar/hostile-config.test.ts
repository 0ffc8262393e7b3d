import { chmod, mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RiskReport } from "../server/schemas/risk-report";
import { createRepoFixture, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * A repository whose config and hooks were written by an agent: fsmonitor, filter drivers (also
 * through an included file), a merge driver and hooks, each leaving a marker file when it runs.
 * The sidecar's check, stash and worktree creation must run none of them.
 */

let repo: RepoFixture;
let sidecar: SidecarProcess;
let markers: string;
let worktree: string;
let subWorktree: string;

async function writeScript(file: string, marker: string): Promise<void> {
  await writeFile(file, `#!/bin/sh\ntouch '${path.join(markers, marker)}'\nexit 0\n`);
  await chmod(file, 0o755);
}

async function markersLeft(): Promise<string[]> {
  return (await readdir(markers)).sort();
}

beforeAll(async () => {
  repo = await createRepoFixture();
  const { git, clone, commit, write, addWorktree, base } = repo;
  markers = path.join(base, "markers");
  await mkdir(markers);
  sidecar = await startSidecar({ worktreeRoot: repo.worktreeRoot });

  // The content, committed while the repository is still harmless.
  await commit(
    clone,
    {
      ".gitattributes": "*.txt filter=evil merge=evil\n*.proc filter=evilproc\n*.inc filter=included\n",
      "data.txt": "hello\n",
      "x.proc": "proc\n",
      "y.inc": "inc\n",
      "m.txt": "base\n",
    },
    "attributes and files",
  );
  await git(clone, ["push", "-q", "origin", "main"]);
  worktree = await addWorktree("hostile");
  await commit(worktree, { "m.txt": "branch side\n" }, "branch edits m.txt");
  await commit(clone, { "m.txt": "main side\n" }, "main edits m.txt");
  await git(clone, ["push", "-q", "origin", "main"]);
  await git(worktree, ["fetch", "-q", "origin"]);

  // A worktree with a submodule whose own repository will get a filter driver and an fsmonitor.
  const sub = path.join(base, "sublib.git");
  const subSeed = path.join(base, "sublib-seed");
  await git(base, ["init", "-q", "--bare", "-b", "main", sub]);
  await git(base, ["init", "-q", "-b", "main", subSeed]);
  await commit(subSeed, { ".gitattributes": "*.txt filter=subevil\n", "lib.txt": "lib\n" }, "lib");
  await git(subSeed, ["push", "-q", sub, "main"]);
  subWorktree = await addWorktree("hostile-sub");
  await git(subWorktree, ["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "lib"]);
  await git(subWorktree, ["commit", "-q", "-m", "add lib submodule"]);

  // Now make it hostile: every hook git knows of, and config naming scripts.
  const scripts = path.join(base, "scripts");
  await mkdir(scripts);
  const hooksDir = path.join(clone, ".git", "hooks");
  const hooks = ["post-index-change", "reference-transaction", "post-checkout", "pre-commit", "post-commit", "post-rewrite", "pre-auto-gc"];
  for (const hook of hooks) await writeScript(path.join(hooksDir, hook), `hook-${hook}`);
  await mkdir(path.join(base, "hooks-elsewhere"));
  await writeScript(path.join(base, "hooks-elsewhere", "post-index-change"), "hooksPath-post-index-change");
  await writeScript(path.join(scripts, "fsmonitor"), "fsmonitor");
  await writeFile(path.join(base, "included.gitconfig"), `[filter "included"]\n\tclean = touch '${markers}/included-clean'; cat\n\tsmudge = touch '${markers}/included-smudge'; cat\n`);
  const config = [
    ["core.fsmonitor", path.join(scripts, "fsmonitor")],
    ["filter.evil.clean", `touch '${markers}/filter-clean'; cat`],
    ["filter.evil.smudge", `touch '${markers}/filter-smudge'; cat`],
    ["filter.evilproc.process", `touch '${markers}/filter-process'`],
    ["filter.evilproc.required", "true"],
    ["merge.evil.driver", `touch '${markers}/merge-driver'; false`],
    ["diff.external", `touch '${markers}/diff-external'`],
    ["include.path", path.join(base, "included.gitconfig")],
  ];
  for (const [key, value] of config) await git(clone, ["config", key ?? "", value ?? ""]);
  const subRepo = path.join(subWorktree, "lib");
  await git(subRepo, ["config", "filter.subevil.clean", `touch '${markers}/sub-filter-clean'; cat`]);
  await git(subRepo, ["config", "core.fsmonitor", path.join(scripts, "fsmonitor")]);

  // Edits git can only judge by reading content (same size, new mtime): status would run the clean filter.
  await write(worktree, { "data.txt": "HELLO\n", "x.proc": "PROC\n", "y.inc": "INC\n", "new.txt": "untracked\n" });
  const past = new Date(Date.now() - 3_600_000);
  for (const file of ["data.txt", "x.proc", "y.inc"]) await utimes(path.join(worktree, file), past, past);
  await write(subWorktree, { "lib/lib.txt": "LIB\n" });
  await utimes(path.join(subWorktree, "lib", "lib.txt"), past, past);
  expect(await markersLeft()).toEqual([]);
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await repo?.cleanup();
});

describe("hostile repository config", () => {
  it("runs no repository-supplied code during a risk check", async () => {
    const response = await sidecar.request<{ reports: RiskReport[] }>("POST", "/v1/worktrees/risk", { paths: [worktree, subWorktree] });
    expect(response.status).toBe(200);
    const [report, subReport] = response.body.reports;
    expect(report?.status).toBe("at-risk");
    expect(report?.reasons).toEqual(["dirty", "unpushed", "unmerged"]);
    expect(report?.dirty.unstaged).toBe(3);
    // The submodule's edit is seen (git ran inside it) without its own filter running.
    expect(subReport?.status).toBe("at-risk");
    expect(subReport?.dirty.files).toEqual(["lib"]);
    expect(await markersLeft()).toEqual([]);
  });

  it("runs no repository-supplied code during a stash", async () => {
    const response = await sidecar.request<{ stashed: boolean; ref: string | null; report: RiskReport }>("POST", "/v1/worktrees/stash", {
      path: worktree,
      message: "boochat: hostile",
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.stashed).toBe(true);
    expect(response.body.report.reasons).not.toContain("dirty");
    expect(await markersLeft()).toEqual([]);
  });

  it("runs no repository-supplied code when creating a worktree", async () => {
    const response = await sidecar.request<{ path: string }>("POST", "/v1/worktrees", { sessionId: "hostile-create", repoPath: repo.clone });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await markersLeft()).toEqual([]);
  });

  it("would have run it under plain git (the trap is real)", async () => {
    await rm(path.join(worktree, "data.txt"));
    // The required process filter makes plain git fail as well; what matters is what ran.
    await repo.git(worktree, ["status", "--porcelain"], { allowFailure: true });
    await repo.git(worktree, ["checkout", "--", "data.txt"], { allowFailure: true });
    // Past the superproject's failing process filter, plain git reaches the submodule and runs its filter.
    await repo.git(subWorktree, ["-c", "filter.evilproc.process=", "-c", "filter.evilproc.required=false", "status", "--porcelain"], {
      allowFailure: true,
    });
    expect(await markersLeft()).toEqual(expect.arrayContaining(["fsmonitor", "filter-smudge", "sub-filter-clean"]));
  });
});
