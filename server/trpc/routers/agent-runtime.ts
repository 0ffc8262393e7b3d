import type { AgentRuntime } from "../../agents/runtime";
import { AppError } from "../../errors";
import type { Context } from "../init";

/** The agent runtime of the request's context; a context built without one cannot run agents. */
export function agentsOf(ctx: Context): AgentRuntime {
  if (!ctx.agents) throw new AppError("SERVICE_UNAVAILABLE", "Agents are not available in this server (no agent runtime in the context)");
  return ctx.agents;
}
