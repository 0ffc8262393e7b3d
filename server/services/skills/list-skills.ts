import type { AgentRuntime } from "../../agents/runtime";
import { listSkills as findSkills, type Skill } from "../../agents/skills";
import type { Db } from "../../db";
import { notFound } from "../../errors";

/**
 * The skills a tab can run: its worktree's and BooChat's own (a worktree skill wins a shared name).
 * A worktree on a host service is on another machine: only BooChat's own skills are offered there.
 */
export async function tabSkills(deps: { db: Db; agents: AgentRuntime }, chatId: string): Promise<Skill[]> {
  const chat = await deps.db.chat.findUnique({ where: { id: chatId }, select: { id: true } });
  if (!chat) throw notFound("Tab", chatId);
  const directory = await deps.agents.chatDirectory(chatId);
  return findSkills({ worktree: directory.scratch || !directory.local ? null : directory.path, ownSkillsDir: deps.agents.skillsDir });
}

/** What `skills.list` shows of them (the prompt stays on the server). */
export async function listSkills(deps: { db: Db; agents: AgentRuntime }, chatId: string): Promise<Array<Omit<Skill, "prompt">>> {
  const skills = await tabSkills(deps, chatId);
  return skills.map(({ prompt: _prompt, ...rest }) => rest);
}
