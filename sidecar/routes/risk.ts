import { z } from "zod";
import { checkWorktrees } from "../risk/check-batch";
import { resolveInsideRoot } from "../risk/paths";
import { ok, parseInput, type Route } from "./context";
import { absolutePath } from "./inputs";

const riskInput = z.object({ paths: z.array(absolutePath, { error: "must be an array of paths" }).max(500, "at most 500 paths") });

export const riskRoute: Route = {
  method: "POST",
  path: "/v1/worktrees/risk",
  auth: true,
  async handle(ctx, body) {
    const { paths } = parseInput(riskInput, body);
    // Every path is checked against the root before any git runs: one outside makes the request a 400.
    const targets = await Promise.all(paths.map((input, index) => resolveInsideRoot(ctx.worktreeRoot, input, `paths.${index}`)));
    const reports = await checkWorktrees(ctx.git, targets);
    return ok({ reports });
  },
};
