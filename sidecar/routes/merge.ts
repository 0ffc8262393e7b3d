import { z } from "zod";
import { HttpError } from "../errors";
import { isValidBranchName } from "../git/refs";
import { mergeBranch } from "../merge/merge-branch";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath, gitMessage, gitName } from "./inputs";
import { requireListedWorktree, requireStillListed } from "./worktree-target";

const mergeInput = z.object({
  path: absolutePath,
  branch: gitName,
  message: gitMessage(10_000, { trim: true }),
});

/** Issue 18, "Merge into session": the arena winner's branch into the origin session's worktree. */
export const mergeRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/merge",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(mergeInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target);
    return ctx.repoLocks.run(dirs.commonDir, async () => {
      const stillListed = await requireStillListed(ctx.git, target);
      // git checks the name in the worktree, so only once the lock keeps a remove from taking it.
      if (!(await isValidBranchName(ctx.git, target.real, input.branch))) throw new HttpError(400, "invalid-input", `branch: ${input.branch} is not a valid branch name`);
      return ok(await mergeBranch(ctx.git, target, stillListed, input.branch, input.message));
    });
  },
};
