import type { Db } from "../../db";
import { AppError } from "../../errors";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import { arenaWithWinner } from "./arena-winner";

/**
 * "Merge into session": the winner's branch into the origin session's branch, in its worktree
 * (fast-forward when possible, else a merge commit whose message names the arena). The sidecar
 * computes the merge before touching anything: a conflict leaves the origin worktree exactly as it
 * was (409 naming the files), and uncommitted work there refuses the merge (409 with the report)
 * rather than mixing the two.
 */
export async function mergeArenaWinner(deps: { db: Db; sidecar: SidecarClient }, arenaId: string) {
  const { arena, origin, winner } = await arenaWithWinner(deps.db, arenaId);
  if (!origin.worktree) throw new AppError("BAD_REQUEST", `The session "${origin.title}" that started the arena has no worktree to merge into`);
  const branch = winner.worktree?.branch;
  if (!branch) throw new AppError("BAD_REQUEST", `The winner "${winner.title}" has no worktree branch left to merge`);
  const prompt = arena.prompt.replace(/\s+/g, " ").trim();
  const message = `Merge arena ${arena.id.slice(-6)} winner: ${winner.title}\n\nArena prompt: ${prompt.length > 200 ? `${prompt.slice(0, 199)}…` : prompt}`;
  try {
    const merged = await deps.sidecar.merge({ path: origin.worktree.path, branch, message });
    return { result: merged.result, head: merged.head, branch, report: merged.report };
  } catch (error) {
    throw sidecarFailure("Nothing was merged", error);
  }
}
