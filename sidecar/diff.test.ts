import { createHash } from "node:crypto";
import { chmod, readFile, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { worktreeDiffSchema, type DiffFile, type WorktreeDiff } from "../server/schemas/diff";
import { createRepoFixture, makeTempDir, type RepoFixture } from "../tests/helpers/git-repos";
import { startSidecar, type SidecarProcess } from "../tests/helpers/sidecar-process";

/**
 * The Changes view's diff (issue 16) read by the real sidecar over HTTP from real repositories: every
 * status, untracked files in new folders, line endings, a symbolic link pointing outside, a 20 MB
 * generated file, and the worktree's index and objects left as they were.
 */

let root: string;
let repo: RepoFixture;
let noHead: RepoFixture;
let sidecar: SidecarProcess;
let changes: string;
let big: string;
let noHeadWorktree: string;
let branchCommit: string;
let secretFile: string;
const SECRET = "TOP SECRET: never in a diff";

type ErrorBody = { error: { code: string; message: string } };

async function diff(body: Record<string, unknown>): Promise<WorktreeDiff> {
  const response = await sidecar.request<WorktreeDiff>("POST", "/v1/worktrees/diff", body);
  expect(response.status, JSON.stringify(response.body).slice(0, 2000)).toBe(200);
  return worktreeDiffSchema.parse(response.body);
}

function file(result: WorktreeDiff, name: string): DiffFile {
  const found = result.files.find((entry) => entry.path === name);
  if (!found) throw new Error(`no ${name} in ${result.files.map((entry) => entry.path).join(", ")}`);
  return found;
}

async function fingerprintOfIndexAndObjects(dir: string): Promise<string> {
  const gitDir = await repo.git(dir, ["rev-parse", "--absolute-git-dir"]);
  const index = await readFile(path.join(gitDir, "index"));
  const objects = await repo.git(dir, ["count-objects", "-v"]);
  const status = await repo.git(dir, ["status", "--porcelain=v2", "-z", "--untracked-files=all"]);
  return createHash("sha256").update(index).update(objects).update(status).digest("hex");
}

async function buildChanges(): Promise<void> {
  const { git, clone, commit, write } = repo;
  const long = Array.from({ length: 20 }, (_, i) => `line ${i} of a file long enough for rename detection`).join("\n");
  await commit(
    clone,
    {
      "keep.txt": "keep\n",
      "staged.txt": "staged\n",
      "mode.sh": "echo mode\n",
      "rename-me.txt": `${long}\n`,
      "copy-src.txt": `${long}\ncopy source\n`,
      "delete-me.txt": "delete me\n",
      "type.txt": "a file that becomes a link\n",
      "binary.bin": "bin\0ary\0",
    },
    "files to change",
  );
  await git(clone, ["push", "-q", "origin", "main"]);
  changes = await repo.addWorktree("changes");
  branchCommit = await commit(changes, { "committed.txt": "committed on the branch\n" }, "branch: add committed.txt");
  await commit(changes, { "second.txt": "second\n" }, "branch: add second.txt");
  await write(changes, {
    "keep.txt": "keep\nedited, not staged\n",
    "staged.txt": "staged\nand staged\n",
    "new/dir/deep/untracked.txt": "untracked in new folders\n",
    "crlf.txt": "one\r\ntwo\r\n",
    "no-newline.txt": "no final newline",
    "binary.bin": "bin\0ary\0changed\0",
    "debug.log": "ignored by .gitignore\n",
    "copy.txt": `${long}\ncopy source\n`,
    "copy-src.txt": `${long}\ncopy source, edited\n`,
  });
  await git(changes, ["add", "staged.txt"]);
  await git(changes, ["mv", "rename-me.txt", "renamed.txt"]);
  await rm(path.join(changes, "delete-me.txt"));
  await chmod(path.join(changes, "mode.sh"), 0o755);
  await rm(path.join(changes, "type.txt"));
  await symlink("keep.txt", path.join(changes, "type.txt"));
  await symlink(secretFile, path.join(changes, "outside-link"));
}

beforeAll(async () => {
  root = await makeTempDir("boochat-diff-root-");
  repo = await createRepoFixture({ worktreeRoot: root });
  noHead = await createRepoFixture({ worktreeRoot: root, setOriginHead: false });
  secretFile = path.join(repo.base, "secret.txt");
  await writeFile(secretFile, `${SECRET}\n`);
  const [started] = await Promise.all([
    startSidecar({ worktreeRoot: root }),
    (async () => {
      await buildChanges();
      big = await repo.addWorktree("big");
      const line = "generated content that goes on and on for a while, line number ";
      const lines = Array.from({ length: 300_000 }, (_, i) => `${line}${i}`).join("\n");
      await repo.write(big, { "generated.txt": `${lines}\n`, "small.txt": "small\n" });
      noHeadWorktree = await noHead.addWorktree("no-head");
      await noHead.commit(noHeadWorktree, { "branch.txt": "b\n" }, "on the branch");
      await noHead.write(noHeadWorktree, { "wip.txt": "w\n" });
    })(),
  ]);
  sidecar = started;
}, 120_000);

afterAll(async () => {
  await sidecar?.stop();
  await Promise.all([repo?.cleanup(), noHead?.cleanup()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("diff against the base", () => {
  it("lists committed, staged, unstaged and untracked changes with every status, reading nothing into the worktree's index", async () => {
    const before = await fingerprintOfIndexAndObjects(changes);
    const result = await diff({ path: changes, scope: "base" });
    expect(await fingerprintOfIndexAndObjects(changes)).toBe(before);

    const mainHead = await repo.git(repo.clone, ["rev-parse", "origin/main"]);
    expect(result.base).toBe(mainHead);
    expect(result.head).toBe(await repo.git(changes, ["rev-parse", "HEAD"]));
    expect(result.truncated).toBe(false);
    expect(result.files.map((entry) => entry.path).sort()).toEqual(
      [
        "binary.bin",
        "committed.txt",
        "copy-src.txt",
        "copy.txt",
        "crlf.txt",
        "delete-me.txt",
        "keep.txt",
        "mode.sh",
        "new/dir/deep/untracked.txt",
        "no-newline.txt",
        "outside-link",
        "renamed.txt",
        "second.txt",
        "staged.txt",
        "type.txt",
      ].sort(),
    );
    expect(file(result, "committed.txt")).toMatchObject({ status: "added", additions: 1, deletions: 0, binary: false, truncated: false });
    expect(file(result, "keep.txt")).toMatchObject({ status: "modified", additions: 1, deletions: 0 });
    expect(file(result, "keep.txt").patch).toMatch(/^diff --git a\/keep\.txt b\/keep\.txt\n[\s\S]*\n\+edited, not staged\n$/);
    expect(file(result, "staged.txt")).toMatchObject({ status: "modified", additions: 1 });
    expect(file(result, "new/dir/deep/untracked.txt")).toMatchObject({ status: "added", additions: 1 });
    expect(file(result, "renamed.txt")).toMatchObject({ status: "renamed", oldPath: "rename-me.txt", additions: 0, deletions: 0 });
    expect(file(result, "copy.txt")).toMatchObject({ status: "copied", oldPath: "copy-src.txt" });
    expect(file(result, "delete-me.txt")).toMatchObject({ status: "deleted", deletions: 1 });
    expect(file(result, "mode.sh")).toMatchObject({ status: "mode-changed", additions: 0, deletions: 0 });
    expect(file(result, "mode.sh").patch).toMatch(/old mode 100644\nnew mode 100755/);
    expect(file(result, "type.txt")).toMatchObject({ status: "type-changed", symlink: true });
    expect(file(result, "type.txt").patch).toMatch(/deleted file mode 100644[\s\S]*new file mode 120000[\s\S]*\+keep\.txt\n\\ No newline at end of file/);
    expect(file(result, "binary.bin")).toMatchObject({ status: "modified", binary: true, patch: "", additions: 0, deletions: 0 });
    expect(result.files.some((entry) => entry.path === "debug.log")).toBe(false);
  });

  it("keeps carriage returns and says when a file has no final newline", async () => {
    const result = await diff({ path: changes, scope: "base", paths: ["crlf.txt", "no-newline.txt"] });
    expect(file(result, "crlf.txt").patch).toContain("+one\r\n+two\r\n");
    expect(file(result, "no-newline.txt").patch).toMatch(/\+no final newline\n\\ No newline at end of file\n$/);
  });

  it("shows a symbolic link pointing outside the root as its target text, never the file it points to", async () => {
    const result = await diff({ path: changes, scope: "base" });
    const link = file(result, "outside-link");
    expect(link).toMatchObject({ status: "added", symlink: true });
    expect(link.patch).toContain(`+${secretFile}\n\\ No newline at end of file`);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("lists the branch's commits the default branch lacks, newest first", async () => {
    const result = await diff({ path: changes, scope: "base" });
    expect(result.commits.map((entry) => entry.subject)).toEqual(["branch: add second.txt", "branch: add committed.txt"]);
    expect(result.commits[1]?.sha).toBe(branchCommit);
  });

  it("narrows to the files asked for, a renamed one with its old path", async () => {
    const result = await diff({ path: changes, scope: "base", paths: ["renamed.txt", "keep.txt"] });
    expect(result.files.map((entry) => entry.path)).toEqual(["keep.txt", "renamed.txt"]);
    expect(file(result, "renamed.txt")).toMatchObject({ status: "renamed", oldPath: "rename-me.txt" });
    expect(file(result, "renamed.txt").patch).toMatch(/similarity index 100%\nrename from rename-me\.txt\nrename to renamed\.txt\n/);
  });
});

describe("other scopes", () => {
  it("uncommitted: HEAD against the working tree, untracked files included, the branch's commits left out", async () => {
    const result = await diff({ path: changes, scope: "uncommitted" });
    expect(result.base).toBe(result.head);
    const names = result.files.map((entry) => entry.path);
    expect(names).not.toContain("committed.txt");
    expect(names).toEqual(expect.arrayContaining(["keep.txt", "staged.txt", "new/dir/deep/untracked.txt", "renamed.txt"]));
  });

  it("against: from a given commit instead of the merge base (an arena entry against the arena's base)", async () => {
    const result = await diff({ path: changes, scope: "base", against: branchCommit });
    expect(result.base).toBe(branchCommit);
    expect(result.files.map((entry) => entry.path)).not.toContain("committed.txt");
    expect(result.files.map((entry) => entry.path)).toContain("second.txt");
    expect(result.commits.map((entry) => entry.subject)).toEqual(["branch: add second.txt"]);
  });

  it("commit: that commit against its first parent", async () => {
    const result = await diff({ path: changes, scope: "base", commit: branchCommit.slice(0, 12) });
    expect(result.base).toBe(await repo.git(changes, ["rev-parse", `${branchCommit}^`]));
    expect(result.files).toEqual([
      {
        path: "committed.txt",
        status: "added",
        additions: 1,
        deletions: 0,
        binary: false,
        truncated: false,
        patch: expect.stringContaining("+committed on the branch\n") as string,
      },
    ]);
  });

  it("commit: a first commit against the empty tree, with no base", async () => {
    const root = await repo.git(repo.clone, ["rev-list", "--max-parents=0", "HEAD"]);
    const result = await diff({ path: changes, scope: "base", commit: root });
    expect(result.base).toBeNull();
    expect(result.files.map((entry) => entry.path).sort()).toEqual([".gitignore", "README.md"]);
  });

  it("an unborn branch: every file is added, against the empty tree, with no base and no head", async () => {
    const dir = await repo.addWorktree("unborn");
    await repo.git(dir, ["checkout", "-q", "--orphan", "unborn-history"]);
    await repo.git(dir, ["rm", "-q", "-rf", "."]);
    await repo.write(dir, { "first.txt": "first\n" });
    const result = await diff({ path: dir, scope: "base" });
    expect(result).toMatchObject({ base: null, head: null, commits: [], truncated: false });
    expect(result.files).toEqual([expect.objectContaining({ path: "first.txt", status: "added", additions: 1 })]);
  });

  it("without origin/HEAD: the base is HEAD and no commits are listed", async () => {
    const result = await diff({ path: noHeadWorktree, scope: "base" });
    expect(result.base).toBe(result.head);
    expect(result.commits).toEqual([]);
    expect(result.files.map((entry) => entry.path)).toEqual(["wip.txt"]);
  });
});

describe("size", () => {
  it("cuts a 20 MB generated file at the byte budget and still shows the small file beside it", async () => {
    const response = await sidecar.request<WorktreeDiff>("POST", "/v1/worktrees/diff", { path: big, scope: "uncommitted" });
    expect(response.status).toBe(200);
    const result = worktreeDiffSchema.parse(response.body);
    const generated = file(result, "generated.txt");
    expect(generated).toMatchObject({ status: "added", additions: 300_000, truncated: true });
    expect(Buffer.byteLength(generated.patch)).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(generated.patch.endsWith("\n")).toBe(true);
    expect(file(result, "small.txt")).toMatchObject({ truncated: false, patch: expect.stringContaining("+small\n") as string });
    expect(result.truncated).toBe(true);
    expect(JSON.stringify(response.body).length).toBeLessThan(2.5 * 1024 * 1024);
  });

  it("keeps to a smaller maxBytes, marking the files it could not show", async () => {
    const result = await diff({ path: big, scope: "uncommitted", maxBytes: 4096 });
    const total = result.files.reduce((sum, entry) => sum + Buffer.byteLength(entry.patch), 0);
    expect(total).toBeLessThanOrEqual(4096);
    expect(file(result, "generated.txt").truncated).toBe(true);
    expect(result.truncated).toBe(true);
  });
});

describe("refusals", () => {
  it.each([
    [{ path: "relative/worktree", scope: "base" }, /path: must be an absolute path/],
    [{ scope: "everything" }, /scope: /],
    [{ scope: "base", maxBytes: "big" }, /maxBytes: must be a number/],
    [{ scope: "base", commit: "HEAD~1" }, /commit: must be a commit id/],
    [{ scope: "base", paths: ["../outside.txt"] }, /paths\.0: must be a plain path inside the worktree/],
    [{ scope: "base", paths: ["/etc/passwd"] }, /paths\.0: must be a path relative to the worktree/],
    [{ scope: "base", paths: [] }, /paths: must not be empty/],
  ])("answers 400 in words for bad input %j", async (body, message) => {
    const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: changes, ...body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("invalid-input");
    expect(response.body.error.message).toMatch(message);
  });

  it("answers 400 for a commit the repository does not have", async () => {
    const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: changes, scope: "base", commit: "0123456789abcdef" });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe("commit: 0123456789abcdef is not a commit of the repository (or names several)");
  });

  it("answers 400 for an against the repository does not have, or one beside commit or uncommitted", async () => {
    const unknown = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: changes, scope: "base", against: "0123456789abcdef" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe("against: 0123456789abcdef is not a commit of the repository (or names several)");
    for (const body of [
      { scope: "base", against: branchCommit, commit: branchCommit },
      { scope: "uncommitted", against: branchCommit },
    ]) {
      const response = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: changes, ...body });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe("against: only with scope base and without commit");
    }
  });

  it("answers 400 for a worktree path outside the root, also through a symbolic link", async () => {
    const outside = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: repo.clone, scope: "base" });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe("outside-worktree-root");
    const link = path.join(repo.worktreeRoot, "link-to-clone");
    await symlink(repo.clone, link);
    const viaLink = await sidecar.request<ErrorBody>("POST", "/v1/worktrees/diff", { path: link, scope: "base" });
    expect(viaLink.status).toBe(400);
    expect(viaLink.body.error.message).toMatch(/link-to-clone is outside the worktree root .*resolves to/);
  });
});
