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

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
}

/** The folders that hold one folder per skill. */
async function skillRoots(worktree: string | null, ownSkillsDir: string | null): Promise<Array<{ dir: string; source: Skill["source"] }>> {
  const roots: Array<{ dir: string; source: Skill["source"] }> = [];
  if (worktree) {
    const opencodeDir = path.join(worktree, ".opencode");
    const entries = await fs.readdir(opencodeDir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name.startsWith("skill")) roots.push({ dir: path.join(opencodeDir, entry.name), source: "worktree" });
    }
    roots.push({ dir: path.join(worktree, ".claude", "skills"), source: "worktree" });
  }
  if (ownSkillsDir) roots.push({ dir: ownSkillsDir, source: "boochat" });
  return roots;
}

export async function listSkills(options: { worktree: string | null; ownSkillsDir: string | null }): Promise<Skill[]> {
  const byName = new Map<string, Skill>();
  for (const root of await skillRoots(options.worktree, options.ownSkillsDir)) {
    for (const dir of (await subdirectories(root.dir)).sort()) {
      const file = path.join(dir, "SKILL.md");
      const text = await fs.readFile(file, "utf8").catch(() => null);
      if (text === null) continue;
      const { meta, body } = parseSkillFile(text);
      const name = (meta.name ?? path.basename(dir)).trim();
      if (!name || !body || byName.has(name)) continue;
      byName.set(name, { name, description: meta.description ?? "", prompt: body, source: root.source, path: file });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The prompt a skill run sends: `$ARGUMENTS` in the body is replaced, else the arguments follow the body. */
export function skillPrompt(skill: Pick<Skill, "prompt">, args: string): string {
  const trimmed = args.trim();
  if (skill.prompt.includes("$ARGUMENTS")) return skill.prompt.replaceAll("$ARGUMENTS", trimmed);
  return trimmed ? `${skill.prompt}\n\nArguments: ${trimmed}` : skill.prompt;
}
