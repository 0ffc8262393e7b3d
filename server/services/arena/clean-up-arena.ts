import { AppError } from "../../errors";
import type { RiskReport } from "../../schemas/risk-report";
import type { RunningTask } from "../../schemas/session";
import { deleteSession, type DeleteSessionDeps } from "../session/delete-session";
import { arenaWithWinner } from "./arena-winner";

/**
 * "Delete the other entries": every entry session but the winner's goes through the delete gate.
 * The clean ones are deleted; if any holds work (or an agent still runs there), nothing of it is
 * dropped: one CONFLICT names them and carries every report, as the block dialog shows it.
 */
export async function cleanUpArena(deps: DeleteSessionDeps, arenaId: string) {
  const { losers } = await arenaWithWinner(deps.db, arenaId);
  const deleted: string[] = [];
  const refused: Array<{ title: string; reports: RiskReport[]; running: RunningTask[] }> = [];
  for (const loser of losers) {
    try {
      await deleteSession(deps, { id: loser.id });
      deleted.push(loser.id);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "CONFLICT") throw error;
      refused.push({ title: loser.title, reports: error.data.riskReports ?? [], running: error.data.runningTasks ?? [] });
    }
  }
  if (refused.length > 0) {
    const kept = refused.map((r) => `“${r.title}”`).join(", ");
    const done = deleted.length > 0 ? `${deleted.length} other ${deleted.length === 1 ? "entry was" : "entries were"} deleted; ` : "";
    throw new AppError("CONFLICT", `${done}${kept} ${refused.length === 1 ? "holds" : "hold"} work that would be lost, so ${refused.length === 1 ? "it was" : "they were"} kept`, {
      riskReports: refused.flatMap((r) => r.reports),
      runningTasks: refused.flatMap((r) => r.running),
    });
  }
  return { deleted };
}
