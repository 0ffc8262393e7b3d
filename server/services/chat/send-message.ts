import type { AgentRuntime } from "../../agents/runtime";

/** A message typed in a tab: stored with its task (`creator: "tab"`), the run started; returns at once. */
export function sendMessage(deps: { agents: Pick<AgentRuntime, "sendMessage"> }, input: { chatId: string; text: string; agent?: string; model?: string }): Promise<{ taskId: string }> {
  return deps.agents.sendMessage(input);
}
