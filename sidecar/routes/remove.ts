import { z } from "zod";
import type { RiskReport } from "../../server/schemas/risk-report";
import { readDriverNames } from "../git/driver-names";
import { GitError } from "../git/run";
import { removeWorktree } from "../git/worktree-remove";
import { checkWorktree } from "../risk/check-worktree";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";
import { readWorktreeDirs } from "../git/worktree-dirs";

const removeInput = z.object({ path: absolutePath });

const blocked = (reports: RiskReport[]) => ({ status: 409, body: { reports } });

export const removeRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/remove",
  auth: true,
  async handle(ctx, body) {
    const input = parseInput(removeInput, body);
    const target = await resolveInsideRoot(ctx.worktreeRoot, input.path, "path");
    const dirs = target.exists ? await readWorktreeDirs(ctx.git, target.real).catch(() => null) : null;
    // Not a worktree (or gone): the check says why, and nothing is removed.
    if (dirs === null) return blocked([await checkWorktree(ctx.git, target)]);
    return ctx.repoLocks.run(dirs.commonDir, async () => {
      // A fresh check under the repository's lock: only "clean" lets the directory go.
      const report = await checkWorktree(ctx.git, target);
      if (report.status !== "clean") return blocked([report]);
      try {
        const drivers = await readDriverNames(ctx.git, target.real);
        await removeWorktree(ctx.git, dirs.commonDir, target.real, drivers);
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        return blocked([{ ...report, status: "unverified", error: `git refused to remove the worktree: ${error.message}` }]);
      }
      return ok({ removed: true });
    });
  },
};
