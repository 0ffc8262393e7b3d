import type { AgentInfo, AgentRuntime } from "../../agents/runtime";

/** The agents a tab can pick (opencode with its models, then the external agents). */
export function listAgents(deps: { agents: AgentRuntime }): AgentInfo[] {
  return deps.agents.listAgents();
}
