import { z } from "zod";
import { HttpError } from "../errors";
import { GitError } from "../git/run";
import { readStashRef, stashPush } from "../git/stash";
import { checkWorktree } from "../risk/check-worktree";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath, gitMessage } from "./inputs";
import { commitWriteSetup, requireListedWorktree, requireStillListed } from "./worktree-target";

const stashInput = z.object({
  path: absolutePath,
  message: gitMessage(1000, { trim: false }),
});

export const stashRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/stash",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(stashInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target);
    return ctx.repoLocks.run(dirs.commonDir, async () => {
      await requireStillListed(ctx.git, target);
      const [{ guard, identity }, before] = await Promise.all([commitWriteSetup(ctx.git, target), readStashRef(ctx.git, target.real)]);
      try {
        await stashPush(ctx.git, target.real, input.message, guard, identity);
      } catch (error) {
        // A full disk is not the worktree's state: it goes up as 507 (server.ts).
        if (!(error instanceof GitError) || error.diskFull) throw error;
        const report = await checkWorktree(ctx.git, target);
        throw new HttpError(409, "stash-failed", error.message, { report });
      }
      const after = await readStashRef(ctx.git, target.real);
      const stashed = after !== null && after !== before;
      const report = await checkWorktree(ctx.git, target);
      return ok({ stashed, ref: stashed ? after : null, report });
    });
  },
};
