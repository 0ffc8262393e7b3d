import type { AgentRuntime } from "../../agents/runtime";
import { listSkills as findSkills, mergeSkills, ownSkills, type Skill } from "../../agents/skills";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import { fetchHostSkills } from "../../hosts/host-service-client";

/**
 * The skills a tab can run: its worktree's and BooChat's own (a worktree skill wins a shared name).
 * A worktree on a host service is on another machine: its host reads its skills. A host that cannot
 * be asked leaves BooChat's own (its runs could not go there either).
 */
export async function tabSkills(deps: { db: Db; agents: AgentRuntime }, chatId: string): Promise<Skill[]> {
  const chat = await deps.db.chat.findUnique({ where: { id: chatId }, select: { id: true } });
  if (!chat) throw notFound("Tab", chatId);
  const directory = await deps.agents.chatDirectory(chatId);
  const ownSkillsDir = deps.agents.skillsDir;
  if (directory.scratch || directory.local) return findSkills({ worktree: directory.scratch ? null : directory.path, ownSkillsDir });
  const host = deps.agents.hosts.find((candidate) => candidate.name === directory.host);
  const [onHost, own] = await Promise.all([
    host ? fetchHostSkills(host, directory.path).catch(() => []) : [],
    ownSkills(ownSkillsDir),
  ]);
  return mergeSkills(onHost.map((skill) => ({ ...skill, source: "worktree" as const })), own);
}

/** What `skills.list` shows of them (the prompt stays on the server). */
export async function listSkills(deps: { db: Db; agents: AgentRuntime }, chatId: string): Promise<Array<Omit<Skill, "prompt">>> {
  const skills = await tabSkills(deps, chatId);
  return skills.map(({ prompt: _prompt, ...rest }) => rest);
}
