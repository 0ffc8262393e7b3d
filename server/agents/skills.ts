import fs from "node:fs/promises";
import path from "node:path";

/**
 * Skills: `SKILL.md` files whose front matter gives `name` and `description` and whose body is
 * the prompt. Found in the chat's worktree (`.opencode/skill*` folders, `.claude/skills/`) and in
 * BooChat's own skills folder; a worktree skill wins over BooChat's of the same name.
 */

export type Skill = {
  name: string;
  description: string;
  /** The prompt: the file's body, without the front matter. */
  prompt: string;
  source: "worktree" | "boochat";
  path: string;
};

/** `key: value` front matter between `---` lines (quoted values unquoted); the rest is the body. */
export function parseSkillFile(text: string): { meta: Record<string, string>; body: string } {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const match = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(normalized);
  if (!match) return { meta: {}, body: normalized.trim() };
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? "").split("\n")) {
    const kv = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    if (!kv?.[1]) continue;
    let value = (kv[2] ?? "").trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    meta[kv[1]] = value;
  }
  return { meta, body: (match[2] ?? "").trim() };
}

/** A SKILL.md larger than this is no skill (it would be a prompt of that size). */
const MAX_SKILL_BYTES = 256 * 1024;

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
}

/** The worktree's folders that hold one folder per skill: `.opencode/skill*` and `.claude/skills`. */
async function worktreeSkillRoots(worktree: string): Promise<string[]> {
  const opencodeDir = path.join(worktree, ".opencode");
  const entries = await fs.readdir(opencodeDir, { withFileTypes: true }).catch(() => []);
  const roots = entries.filter((entry) => entry.isDirectory() && entry.name.startsWith("skill")).map((entry) => path.join(opencodeDir, entry.name));
  return [...roots, path.join(worktree, ".claude", "skills")];
}

/**
 * The skills of one root folder, in folder order. With `confinedTo`, a SKILL.md whose real path is
 * outside that folder is skipped: a repository's symlink must not make BooChat read (and send to a
 * model as a prompt) a file of the machine, such as a key.
 */
async function skillsIn(root: string, source: Skill["source"], confinedTo: string | null): Promise<Skill[]> {
  const skills: Skill[] = [];
  for (const dir of (await subdirectories(root)).sort()) {
    const file = path.join(dir, "SKILL.md");
    const real = await fs.realpath(file).catch(() => null);
    if (real === null || (confinedTo !== null && !real.startsWith(confinedTo + path.sep))) continue;
    const size = (await fs.stat(real).catch(() => null))?.size ?? Infinity;
    if (size > MAX_SKILL_BYTES) continue;
    const text = await fs.readFile(real, "utf8").catch(() => null);
    if (text === null) continue;
    const { meta, body } = parseSkillFile(text);
    const name = (meta.name ?? path.basename(dir)).trim();
    if (!name || !body) continue;
    skills.push({ name, description: meta.description ?? "", prompt: body, source, path: file });
  }
  return skills;
}

/** A worktree's own skills (what a host service answers for its worktrees), none read from outside it. */
export async function worktreeSkills(worktree: string): Promise<Skill[]> {
  const real = await fs.realpath(worktree).catch(() => null);
  if (real === null) return [];
  const found = await Promise.all((await worktreeSkillRoots(real)).map((root) => skillsIn(root, "worktree", real)));
  return found.flat();
}

/** One list by name, sorted: the first of a name wins (a worktree's before BooChat's own). */
export function mergeSkills(...lists: Skill[][]): Skill[] {
  const byName = new Map<string, Skill>();
  for (const skill of lists.flat()) if (!byName.has(skill.name)) byName.set(skill.name, skill);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** BooChat's own skills (its skills folder, which the operator owns). */
export function ownSkills(ownSkillsDir: string | null): Promise<Skill[]> {
  return ownSkillsDir ? skillsIn(ownSkillsDir, "boochat", null) : Promise.resolve([]);
}

export async function listSkills(options: { worktree: string | null; ownSkillsDir: string | null }): Promise<Skill[]> {
  const [inWorktree, own] = await Promise.all([options.worktree ? worktreeSkills(options.worktree) : [], ownSkills(options.ownSkillsDir)]);
  return mergeSkills(inWorktree, own);
}

/** The prompt a skill run sends: `$ARGUMENTS` in the body is replaced, else the arguments follow the body. */
export function skillPrompt(skill: Pick<Skill, "prompt">, args: string): string {
  const trimmed = args.trim();
  if (skill.prompt.includes("$ARGUMENTS")) return skill.prompt.replaceAll("$ARGUMENTS", trimmed);
  return trimmed ? `${skill.prompt}\n\nArguments: ${trimmed}` : skill.prompt;
}
