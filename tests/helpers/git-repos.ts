import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

/**
 * Builders for real git repositories in known states: a bare `origin`, a clone, and worktrees under a
 * temporary worktree root. Git runs as the plain binary with a test identity and a private HOME, so
 * the user's own git config can never leak into a test.
 */

export type GitOptions = { env?: Record<string, string>; input?: string; allowFailure?: boolean };

export type RepoFixture = {
  /** the temp folder holding everything below; removed by cleanup() */
  base: string;
  home: string;
  /** bare repository playing the remote */
  origin: string;
  /** the user's clone (main worktree) */
  clone: string;
  /** the worktree root the sidecar is started with (real path) */
  worktreeRoot: string;
  defaultBranch: string;
  /** runs `git <args>` in `cwd` with the test environment; returns trimmed stdout */
  git(cwd: string, args: readonly string[], options?: GitOptions): Promise<string>;
  /** writes files (relative paths, parents created) */
  write(cwd: string, files: Record<string, string>): Promise<void>;
  /** writes files, `git add -A`, commits; returns the new commit id */
  commit(cwd: string, files: Record<string, string>, message: string): Promise<string>;
  /** `git worktree add` under the root: a new branch from `base` (default origin/<default>), an existing branch, or detached */
  addWorktree(name: string, options?: { branch?: string; existingBranch?: string; base?: string; detach?: boolean }): Promise<string>;
  cleanup(): Promise<void>;
};

export function testGitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LC_ALL: "C",
    TZ: "UTC",
    GIT_CONFIG_NOSYSTEM: "1",
    // No automatic gc or maintenance: a detached background gc would race the cleanup of the temp folder.
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "gc.auto",
    GIT_CONFIG_VALUE_0: "0",
    GIT_CONFIG_KEY_1: "maintenance.auto",
    GIT_CONFIG_VALUE_1: "false",
    GIT_AUTHOR_NAME: "Boo Tester",
    GIT_AUTHOR_EMAIL: "tester@boochat.test",
    GIT_COMMITTER_NAME: "Boo Tester",
    GIT_COMMITTER_EMAIL: "tester@boochat.test",
  };
}

export async function runGitIn(home: string, cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  const result = await execa("git", args, {
    cwd,
    env: { ...testGitEnv(home), ...options.env },
    extendEnv: false,
    reject: false,
    input: options.input,
  });
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new Error(`git ${args.join(" ")} (in ${cwd}) failed with ${String(result.exitCode)}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** A fresh temp folder (real path, so paths compare equal to what the sidecar resolves). */
export async function makeTempDir(prefix = "boochat-test-"): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
}

/**
 * A bare origin whose default branch is `defaultBranch`, and a clone with one pushed commit
 * (README.md, a committed .gitignore ignoring `*.log` and `.env`). With `setOriginHead: false` the
 * clone has no refs/remotes/origin/HEAD.
 */
export async function createRepoFixture(options: { defaultBranch?: string; setOriginHead?: boolean; worktreeRoot?: string } = {}): Promise<RepoFixture> {
  const defaultBranch = options.defaultBranch ?? "main";
  const base = await makeTempDir();
  const home = path.join(base, "home");
  const origin = path.join(base, "origin.git");
  const clone = path.join(base, "clone");
  const worktreeRoot = options.worktreeRoot ?? path.join(base, "worktrees");
  await mkdir(home, { recursive: true });
  await mkdir(worktreeRoot, { recursive: true });

  const git = (cwd: string, args: readonly string[], gitOptions?: GitOptions) => runGitIn(home, cwd, args, gitOptions);
  const write = async (cwd: string, files: Record<string, string>) => {
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(cwd, file);
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  };
  const commit = async (cwd: string, files: Record<string, string>, message: string) => {
    await write(cwd, files);
    await git(cwd, ["add", "-A"]);
    await git(cwd, ["commit", "-q", "-m", message]);
    return git(cwd, ["rev-parse", "HEAD"]);
  };

  await git(base, ["init", "-q", "--bare", "-b", defaultBranch, origin]);
  await git(base, ["init", "-q", "-b", defaultBranch, clone]);
  await commit(clone, { "README.md": "# fixture\n\nline two\n", ".gitignore": "*.log\n.env\n" }, "initial commit");
  await git(clone, ["remote", "add", "origin", origin]);
  await git(clone, ["push", "-q", "-u", "origin", defaultBranch]);
  if (options.setOriginHead !== false) await git(clone, ["remote", "set-head", "origin", defaultBranch]);

  return {
    base,
    home,
    origin,
    clone,
    worktreeRoot: await realpath(worktreeRoot),
    defaultBranch,
    git,
    write,
    commit,
    async addWorktree(name, wt = {}) {
      const dir = path.join(worktreeRoot, name);
      const start = wt.base ?? `origin/${defaultBranch}`;
      if (wt.detach) await git(clone, ["worktree", "add", "-q", "--detach", "--", dir, start]);
      else if (wt.existingBranch) await git(clone, ["worktree", "add", "-q", "--", dir, wt.existingBranch]);
      else await git(clone, ["worktree", "add", "-q", "--no-track", "-b", wt.branch ?? name, "--", dir, start]);
      return dir;
    },
    async cleanup() {
      await rm(base, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
