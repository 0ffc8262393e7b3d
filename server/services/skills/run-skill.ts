import type { AgentRuntime } from "../../agents/runtime";
import { skillPrompt } from "../../agents/skills";
import type { Db } from "../../db";
import { AppError } from "../../errors";
import { tabSkills } from "./list-skills";

/** Runs a skill as a task of the tab (`creator: "skill"`); the tab shows `/name args`. */
export async function runSkill(deps: { db: Db; agents: AgentRuntime }, input: { chatId: string; name: string; args?: string }): Promise<{ taskId: string }> {
  const skill = (await tabSkills(deps, input.chatId)).find((s) => s.name === input.name);
  if (!skill) throw new AppError("NOT_FOUND", `No skill named "${input.name}" in this tab's worktree or BooChat's skills`);
  const args = (input.args ?? "").trim();
  const display = `/${skill.name}${args ? ` ${args}` : ""}`;
  const { taskId } = await deps.agents.startTask({ creator: "skill", chatId: input.chatId, prompt: skillPrompt(skill, input.args ?? ""), display });
  return { taskId };
}
