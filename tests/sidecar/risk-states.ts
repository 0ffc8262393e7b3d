import { rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../helpers/git-repos";

/**
 * Every repository state of issue 4, built for real (bare origin, clone, worktrees under one root):
 * shared by sidecar/risk-states.test.ts (each state's verdict) and sidecar/risk-batch.test.ts (a batch
 * equals the single checks on each). `wt` maps a state's name to its worktree path.
 */
export type RiskStates = {
  root: string; main: RepoFixture; trunk: RepoFixture; noHead: RepoFixture; wt: Record<string, string>; cleanup(): Promise<void> };

async function buildMainStates(repo: RepoFixture, wt: Record<string, string>, root: string): Promise<void> {
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

/** Builds every state under `root` (a new temp folder when left out, which cleanup() removes). */
export async function buildRiskStates(root?: string): Promise<RiskStates> {
  if (root === undefined) root = await makeTempDir("boochat-risk-root-");
  const main = await createRepoFixture({ worktreeRoot: root });
  const trunk = await createRepoFixture({ defaultBranch: "trunk", worktreeRoot: root });
  const noHead = await createRepoFixture({ setOriginHead: false, worktreeRoot: root });
  const wt: Record<string, string> = {};
  await buildMainStates(main, wt, root);
  wt.trunkClean = await trunk.addWorktree("trunk-clean");
  wt.trunkUnmerged = await trunk.addWorktree("trunk-unmerged");
  await trunk.commit(wt.trunkUnmerged, { "t.txt": "t\n" }, "on top of trunk");
  await trunk.git(wt.trunkUnmerged, ["push", "-q", "-u", "origin", "trunk-unmerged"]);
  wt.noHeadClean = await noHead.addWorktree("no-origin-head-clean");
  wt.noHeadDirty = await noHead.addWorktree("no-origin-head-dirty");
  await noHead.write(wt.noHeadDirty, { "wip.txt": "w\n" });
  return {
    root,
    main,
    trunk,
    noHead,
    wt,
    async cleanup() {
      await Promise.all([main.cleanup(), trunk.cleanup(), noHead.cleanup()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}
