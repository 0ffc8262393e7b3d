import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { HttpError } from "../errors";
import { readDefaultBranchRef, readHeadBranchRef, readResolvedDefaultBranchRef } from "../git/default-branch";
import { branchExists, isValidBranchName, readHead, resolveCommit } from "../git/refs";
import { readOriginUrls } from "../git/origin-urls";
import { GitError, type GitContext } from "../git/run";
import { addWorktreeForBranch, addWorktreeWithNewBranch } from "../git/worktree-add";
import { findWorktreeEntry, listWorktrees } from "../git/worktree-list";
import { isInside } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { gitName } from "./inputs";
import { repoPathInput, resolveRepository } from "./repo-path";
import { requireGuard } from "./worktree-target";

const createInput = z.object({
  sessionId: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"),
  repoPath: repoPathInput,
  branch: gitName.optional(),
  base: gitName.optional(),
});

/** A directory-name-safe slug: lower case letters, digits, '.', '_' and '-'. */
export function slugify(value: string, fallback: string): string {
  const slug = value
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 40);
  return slug === "" ? fallback : slug;
}

function repoName(commonDir: string, toplevel: string | null): string {
  if (toplevel) return path.basename(toplevel);
  const base = path.basename(commonDir);
  return base === ".git" ? path.basename(path.dirname(commonDir)) : base.replace(/\.git$/, "");
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The base of a new branch: the one asked for, else origin/HEAD's target, else the repository's current branch. */
async function resolveBase(git: GitContext, repoDir: string, base: string | undefined): Promise<string> {
  const revision = base ?? (await readDefaultBranchRef(git, repoDir)) ?? (await readHeadBranchRef(git, repoDir)) ?? "HEAD";
  const commit = await resolveCommit(git, repoDir, revision);
  if (commit === null) {
    throw new HttpError(400, "invalid-input", base === undefined ? "the repository has no commit to branch from" : `base: ${base} is not a commit in the repository`);
  }
  return commit;
}

/**
 * The repository's default branch as the delete gate will read it (origin/HEAD's target, never
 * guessed), and what the user should know now rather than at the first delete: without it no
 * delete of this session can be verified.
 */
async function describeDefaultBranch(git: GitContext, repoDir: string): Promise<{ defaultBranch: string | null; warnings: string[] }> {
  const [ref, origin] = await Promise.all([readResolvedDefaultBranchRef(git, repoDir), readOriginUrls(git, repoDir)]);
  if (ref !== null) return { defaultBranch: ref.replace(/^refs\/remotes\/origin\//, ""), warnings: [] };
  const fix =
    origin.urls.length === 0
      ? "add the remote (git remote add origin <url>), then run `git remote set-head origin --auto` in the repository"
      : "run `git remote set-head origin --auto` in the repository";
  return {
    defaultBranch: null,
    warnings: [`no origin/HEAD: BooChat cannot tell whether work is merged, so no delete of this session can be verified; ${fix}`],
  };
}

export const createWorktreeRoute: Route = {
  method: "POST",
  path: "/v1/worktrees",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(createInput, body);
    const { repo, repoDir } = await resolveRepository(ctx.git, input.repoPath, "repoPath");

    const worktreePath = path.join(ctx.worktreeRoot, `${slugify(repoName(repo.commonDir, repo.toplevel), "repo")}-${input.sessionId}`);
    if (!isInside(ctx.worktreeRoot, worktreePath)) throw new HttpError(400, "invalid-input", "sessionId: makes a path outside the worktree root");

    return ctx.repoLocks.run(repo.commonDir, async () => {
      // Idempotent: the session's worktree already exists, so hand it back as it is.
      const listed = await findWorktreeEntry(await listWorktrees(ctx.git, repoDir), worktreePath);
      if (listed && (await exists(worktreePath))) {
        const branch = listed.branch?.replace(/^refs\/heads\//, "") ?? "HEAD";
        return ok({ path: worktreePath, branch, head: listed.head, ...(await describeDefaultBranch(ctx.git, repoDir)) });
      }
      if (listed) throw new HttpError(409, "worktree-missing", `git lists ${worktreePath} as a worktree but the directory is gone (git worktree prune clears it)`);
      if (await exists(worktreePath)) throw new HttpError(409, "path-taken", `${worktreePath} already exists and is not a worktree of ${input.repoPath}`);

      const branch = input.branch ?? `boochat/${input.sessionId}`;
      if (!(await isValidBranchName(ctx.git, repoDir, branch))) throw new HttpError(400, "invalid-input", `branch: ${branch} is not a valid branch name`);
      // The new worktree reads the repository's config (includes followed whatever their conditions);
      // its submodules are not checked out by `worktree add`.
      const guard = await requireGuard(ctx.git, repoDir, { submodules: false });
      try {
        if (await branchExists(ctx.git, repoDir, branch)) {
          await addWorktreeForBranch(ctx.git, repoDir, worktreePath, branch, guard);
        } else {
          const base = await resolveBase(ctx.git, repoDir, input.base);
          await addWorktreeWithNewBranch(ctx.git, repoDir, worktreePath, branch, base, guard);
        }
      } catch (error) {
        if (error instanceof GitError && !error.diskFull) throw new HttpError(409, "worktree-add-failed", error.message);
        throw error;
      }
      const [head, described] = await Promise.all([readHead(ctx.git, worktreePath), describeDefaultBranch(ctx.git, repoDir)]);
      return ok({ path: worktreePath, branch, head, ...described });
    });
  },
};
