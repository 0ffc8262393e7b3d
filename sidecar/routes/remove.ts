import { z } from "zod";
import type { RiskReport } from "../../server/schemas/risk-report";
import { UnverifiableConfigError } from "../git/config-drivers";
import { readRepoGuard, unionGuards } from "../git/repo-guard";
import { GitError } from "../git/run";
import { readWorktreeDirs } from "../git/worktree-dirs";
import { removeWorktree } from "../git/worktree-remove";
import { checkWorktree } from "../risk/check-worktree";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";

const removeInput = z.object({ path: absolutePath });

const blocked = (reports: RiskReport[]) => ({ status: 409, body: { reports } });

export const removeRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/remove",
  auth: true,
  async handle(ctx, body, call) {
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
        // git runs in the shared git dir and, to check the worktree is clean, runs status inside it (and its submodules).
        const [inWorktree, inCommonDir] = await Promise.all([
          readRepoGuard(ctx.git, target.real, { submodules: true }),
          readRepoGuard(ctx.git, dirs.commonDir, { submodules: false }),
        ]);
        // The caller stopped waiting (the app's risk timeout) and told the user nothing was deleted: so
        // nothing is (found by the concurrency drill, issue 19). Checked last, just before git removes.
        if (call.signal.aborted) return blocked([{ ...report, status: "unverified", error: "the caller stopped waiting before the worktree was removed, so nothing was removed" }]);
        await removeWorktree(ctx.git, dirs.commonDir, target.real, unionGuards(inWorktree, inCommonDir));
      } catch (error) {
        if (error instanceof GitError) return blocked([{ ...report, status: "unverified", error: `git refused to remove the worktree: ${error.message}` }]);
        if (error instanceof UnverifiableConfigError) return blocked([{ ...report, status: "unverified", error: `git was not run: ${error.message}` }]);
        throw error;
      }
      return ok({ removed: true });
    });
  },
};
