import { z } from "zod";
import { HttpError } from "../errors";
import { commitAll } from "../git/commit";
import { GitError } from "../git/run";
import { checkWorktree } from "../risk/check-worktree";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath, gitMessage } from "./inputs";
import { commitWriteSetup, requireListedWorktree, requireStillListed } from "./worktree-target";

const commitInput = z.object({
  path: absolutePath,
  message: gitMessage(10_000, { trim: true }),
});

/** The block dialog's Commit flow: commit what is there (never pushes: the sidecar's git has no network). */
export const commitRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/commit",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(commitInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target);
    return ctx.repoLocks.run(dirs.commonDir, async () => {
      await requireStillListed(ctx.git, target);
      const { guard, identity } = await commitWriteSetup(ctx.git, target);
      let commit: string | null;
      try {
        commit = await commitAll(ctx.git, target.real, input.message, guard, identity);
      } catch (error) {
        // A full disk is not the worktree's state: it goes up as 507 (server.ts).
        if (!(error instanceof GitError) || error.diskFull) throw error;
        const report = await checkWorktree(ctx.git, target);
        throw new HttpError(409, "commit-failed", error.message, { report });
      }
      const report = await checkWorktree(ctx.git, target);
      return ok({ committed: commit !== null, commit, report });
    });
  },
};
