import path from "node:path";
import { z } from "zod";
import { HttpError } from "../errors";
import { findWorktreeEntry, listWorktrees } from "../git/worktree-list";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";
import { requireListedWorktree } from "./worktree-target";

const repositoryInput = z.object({ path: absolutePath });

/**
 * The repository a worktree belongs to, for rows that lost it (a legacy migration recorded worktrees
 * with an empty repo_path): the main working directory, or the bare repository itself. Only reads
 * (rev-parse, worktree list), which run no repository code.
 */
export const worktreeRepositoryRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/repository",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(repositoryInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target, 404);
    // The main working tree of a repository inside the root: the repository is right here.
    if (dirs.gitDir === dirs.commonDir) return ok({ repoPath: target.real, worktreePath: target.real });
    const entries = await listWorktrees(ctx.git, target.real);
    if ((await findWorktreeEntry(entries, target.real)) === null) {
      throw new HttpError(404, "not-a-worktree", `git does not list ${input.path} as a worktree of ${dirs.commonDir}`);
    }
    // git lists the main working tree first and marks it bare when there is none; for a linked worktree
    // of a repository with a separate git dir it lists the git dir, and nothing knows the working tree.
    if (entries[0]?.bare) return ok({ repoPath: dirs.commonDir, worktreePath: target.real });
    if (path.basename(dirs.commonDir) !== ".git") {
      throw new HttpError(409, "repository-unknown", `the repository of ${input.path} keeps its git dir at ${dirs.commonDir}, apart from its working directory: git cannot say where that is`);
    }
    return ok({ repoPath: path.dirname(dirs.commonDir), worktreePath: target.real });
  },
};
