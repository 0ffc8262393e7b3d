import fs from "node:fs/promises";
import { createRepoFixture } from "./git-repos";

/**
 * A user's repository as BooChat meets it (the shared fixture of tests/helpers/git-repos.ts: a
 * clone of a bare `origin`, `main` pushed, `origin/HEAD` set, a scratch worktree root), with a
 * `git(cwd, ...args)` that returns trimmed stdout, for the delete-gate and e2e tests.
 */
export async function makeUserRepo() {
  const fixture = await createRepoFixture();
  return {
    base: fixture.base,
    repo: fixture.clone,
    origin: fixture.origin,
    worktreeRoot: fixture.worktreeRoot,
    git: (cwd: string, ...args: string[]) => fixture.git(cwd, args),
    cleanup: () => fixture.cleanup(),
  };
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
