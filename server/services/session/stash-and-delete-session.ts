import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { SessionIdInput } from "../../schemas/session";
import type { RiskReport } from "../../schemas/risk-report";
import { describeRisk } from "../../schemas/describe-risk";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { withKeyLock } from "../../lib/key-lock";
import { checkWorktrees } from "../worktree/risk-gate";
import { deleteSessionUnlocked, type DeleteSessionDeps, type DeleteSessionResult } from "./delete-session";
import { sessionFamily } from "./session-family";

const isDirty = (r: RiskReport) => r.dirty.staged + r.dirty.unstaged + r.dirty.untracked + r.dirty.conflicted > 0;

export type StashAndDeleteResult = DeleteSessionResult & { stashed: Array<{ path: string; ref: string | null }> };

/**
 * The block dialog's Stash as one step: every worktree of the session (and of its arena entry
 * sessions) with uncommitted work is stashed (`git stash push -u`, message `boochat: <title>`),
 * then the delete runs through the gate as usual. If anything still blocks (commits), nothing is
 * deleted and the 409 says what was stashed and what is still at risk, with the fresh reports.
 */
export async function stashAndDeleteSession(deps: DeleteSessionDeps, input: SessionIdInput): Promise<StashAndDeleteResult> {
  return withKeyLock(`session:${input.id}`, async () => {
    const family = await sessionFamily(deps.db, input.id);
    const worktrees = family.flatMap((member) => (member.worktree ? [{ ...member.worktree, title: member.title }] : []));
    const { reports } = await checkWorktrees(deps.sidecar, worktrees, deps.riskTimeoutMs);
    const stashed = await stashDirty(deps, worktrees.filter((w) => reports.some((r) => r.path === w.path && isDirty(r))));
    try {
      return { ...(await deleteSessionUnlocked(deps, { id: input.id })), stashed };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "CONFLICT") throw error;
      // stash@{0} is the newest entry of the repository's stash at this moment; the commit id stays true.
      const saved = stashed.length === 0 ? "Nothing was stashed" : `Stashed ${stashed.map((s) => `${s.path} as stash@{0}${s.ref ? ` (${s.ref.slice(0, 8)})` : ""}`).join(", ")}`;
      const still = error.data.riskReports?.filter((r) => r.status !== "clean") ?? [];
      const blocked = error.data.runningTasks?.length ? error.message : `still at risk: ${describeRisk(still)}`;
      throw new AppError("CONFLICT", `${saved}; the session was not deleted: ${blocked}`, error.data);
    }
  });
}

async function stashDirty(deps: { db: Db; sidecar: SidecarClient }, dirty: Array<{ path: string; title: string }>) {
  const stashed: Array<{ path: string; ref: string | null }> = [];
  for (const worktree of dirty) {
    try {
      const result = await deps.sidecar.stash({ path: worktree.path, message: `boochat: ${worktree.title}` });
      if (result.stashed) stashed.push({ path: worktree.path, ref: result.ref });
    } catch (error) {
      throw sidecarFailure(`Nothing more was stashed${stashed.length ? ` (already stashed: ${stashed.map((s) => s.path).join(", ")})` : ""}`, error);
    }
  }
  return stashed;
}
