import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runProgram } from "../exec";
import { readRepoDirs } from "./repo-dirs";
import type { GitContext } from "./run";
import { readWorktreeDirs } from "./worktree-dirs";

// Found by the concurrency drill in CI: a merge or push checked its worktree while a remove of it
// finished, git could not start in the folder that was gone (spawn ENOENT), and the sidecar answered
// 500. A folder gone meanwhile is in no repository, the same answer a serial order gives.

let root: string;
let git: GitContext;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "boochat-gone-"));
  git = {
    exec: async (argv, options) => ({ ...(await runProgram(argv, options)), ms: 0 }),
    worktreeRoot: root,
    timeoutMs: 10_000,
    basePath: process.env.PATH ?? "/usr/bin:/bin",
    home: root,
    tempDir: root,
  };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it("a worktree folder gone before git starts in it is no worktree, not a failure", async () => {
  await expect(readWorktreeDirs(git, path.join(root, "removed-meanwhile"))).resolves.toBeNull();
});

it("a repository folder gone before git starts in it is no repository, and says so", async () => {
  await expect(readRepoDirs(git, path.join(root, "removed-meanwhile"))).resolves.toEqual({ notRepo: "the folder no longer exists" });
});

it("a file named as a folder is still no repository, in its own words", async () => {
  const file = path.join(root, "README");
  await writeFile(file, "not a folder\n");
  await expect(readWorktreeDirs(git, file)).resolves.toBeNull();
  await expect(readRepoDirs(git, file)).resolves.toEqual({ notRepo: "it is a file, not a folder" });
});
