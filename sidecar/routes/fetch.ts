import { realpath } from "node:fs/promises";
import { z } from "zod";
import { HttpError } from "../errors";
import { listWorktrees } from "../git/worktree-list";
import { fetchRepository } from "../remote/fetch-repository";
import { isInside } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { repoPathInput, resolveRepository } from "./repo-path";

const fetchInput = z.object({ repoPath: repoPathInput });

/**
 * Issue 17: fetch origin into a repository the sidecar manages, one that has at least one worktree
 * under the root: the fetch reaches the network and writes the repository, so it is not for any path.
 */
export const fetchRoute: Route = {
  method: "POST",
  path: "/v1/repos/fetch",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(fetchInput, body);
    const { repoReal, repo, repoDir } = await resolveRepository(ctx.git, input.repoPath, "repoPath");
    const entries = await listWorktrees(ctx.git, repoDir);
    // git lists the main folder first (the git dir itself for a bare repository).
    const main = entries[0]?.bare ? repo.commonDir : await realpath(entries[0]?.path ?? "").catch(() => null);
    if (main !== repoReal) {
      throw new HttpError(400, "invalid-input", `repoPath: ${input.repoPath} is not the repository's main folder${main ? ` (that is ${main})` : ""}`);
    }
    const reals = await Promise.all(entries.slice(1).map((entry) => realpath(entry.path).catch(() => null)));
    const worktrees = reals.filter((real): real is string => real !== null && isInside(ctx.worktreeRoot, real));
    if (worktrees.length === 0) {
      throw new HttpError(409, "not-managed", `repoPath: ${input.repoPath} has no worktree under the worktree root ${ctx.worktreeRoot}; the sidecar fetches only for repositories it manages`);
    }
    return ctx.repoLocks.run(repo.commonDir, async () => ok(await fetchRepository(ctx.git, ctx.network, { repoDir, commonDir: repo.commonDir, worktrees })));
  },
};
