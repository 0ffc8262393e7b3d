import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

/** Git as a user would run it, isolated from this machine's own git config. */
export function gitEnv(home: string): Record<string, string | undefined> {
  return {
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Test User",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test User",
    GIT_COMMITTER_EMAIL: "test@example.com",
    PATH: process.env.PATH,
  };
}

/**
 * A user's repository as BooChat meets it: a clone of a bare `origin` with `main` pushed and
 * `origin/HEAD` set, plus a scratch worktree root for the sidecar.
 */
export async function makeUserRepo(name = "project") {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-gate-"));
  const home = path.join(base, "home");
  await fs.mkdir(home);
  const env = gitEnv(home);
  const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd, env }).then((r) => r.stdout);
  const origin = path.join(base, "origin.git");
  const repo = path.join(base, name);
  const worktreeRoot = path.join(base, "worktrees");
  await fs.mkdir(worktreeRoot);
  await git(base, "init", "-q", "--bare", "-b", "main", origin);
  await git(base, "clone", "-q", origin, repo);
  await fs.writeFile(path.join(repo, "README.md"), "# project\n");
  await git(repo, "add", "README.md");
  await git(repo, "commit", "-q", "-m", "initial commit");
  await git(repo, "push", "-q", "origin", "main");
  await git(repo, "remote", "set-head", "origin", "main");
  return {
    base,
    repo,
    origin,
    worktreeRoot,
    git,
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
