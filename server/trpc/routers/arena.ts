import { arenaCreateInput, arenaIdInput, arenaListInput, arenaMarkWinnerInput, arenaRefInput } from "../../schemas/arena";
import { getArena, listArenas } from "../../services/arena/arena-views";
import { cleanUpArena } from "../../services/arena/clean-up-arena";
import { createArena } from "../../services/arena/create-arena";
import { markArenaWinner } from "../../services/arena/mark-winner";
import { mergeArenaWinner } from "../../services/arena/merge-arena-winner";
import { publicProcedure, router } from "../init";
import { agentsOf } from "../../agents/runtime";

export const arenaRouter = router({
  /** One prompt, several agents or models, each an entry session with its own worktree branch; all start at once. */
  create: publicProcedure
    .input(arenaCreateInput)
    .mutation(({ ctx, input }) => createArena({ db: ctx.db, sidecar: ctx.sidecar, agents: agentsOf(ctx), riskTimeoutMs: ctx.riskTimeoutMs }, input)),
  get: publicProcedure.input(arenaIdInput).query(({ ctx, input }) => getArena(ctx, input.id)),
  list: publicProcedure.input(arenaListInput).query(({ ctx, input }) => listArenas(ctx, input.sessionId)),
  /** The user's pick among the entries. */
  markWinner: publicProcedure.input(arenaMarkWinnerInput).mutation(({ ctx, input }) => markArenaWinner(ctx, input)),
  /** "Merge into session": the winner's branch into the origin session's branch; a conflict changes nothing. */
  merge: publicProcedure.input(arenaRefInput).mutation(({ ctx, input }) => mergeArenaWinner(ctx, input.arenaId)),
  /** "Delete the other entries": the losing entry sessions through the delete gate. */
  cleanup: publicProcedure.input(arenaRefInput).mutation(({ ctx, input }) => cleanUpArena(ctx, input.arenaId)),
});
