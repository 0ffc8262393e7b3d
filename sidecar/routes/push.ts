import { z } from "zod";
import { pushWorktree } from "../remote/push-worktree";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";
import { requireListedWorktree, requireStillListed } from "./worktree-target";

const pushInput = z.object({ path: absolutePath });

/** Issue 17: the worktree's branch to origin, never forced; the answer carries a fresh risk report. */
export const pushRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/push",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(pushInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = await requireListedWorktree(ctx.git, target);
    return ctx.repoLocks.run(dirs.commonDir, async () => ok(await pushWorktree(ctx.git, ctx.network, target, await requireStillListed(ctx.git, target))));
  },
};
