import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { HttpError } from "../sidecar/errors";
import { GitError, type GitContext } from "../sidecar/git/run";
import { parseInput } from "../sidecar/routes/context";
import { worktreeSkills } from "../server/agents/skills";
import { resolveInsideRoot } from "../sidecar/risk/paths";
import { absolutePath } from "../sidecar/routes/inputs";
import { expandHome, repoPathInput, resolveRepository } from "../sidecar/routes/repo-path";
import { requireGuard, requireListedWorktree } from "../sidecar/routes/worktree-target";
import type { OpencodeHost } from "./opencode-host";

/** The host service's own answers (docs/HOSTS.md), each a function of what it needs. */

export type HostIdentity = { name: string; instance: string; worktreeRoot: string; dataDir: string };

/** GET /v1/host/status */
export function hostStatus(identity: HostIdentity, opencode: OpencodeHost) {
  const cpus = Math.max(1, os.availableParallelism());
  return {
    name: identity.name,
    instance: identity.instance,
    load: Math.round(((os.loadavg()[0] ?? 0) / cpus) * 100) / 100,
    cpus,
    worktreeRoot: identity.worktreeRoot,
    opencode: opencode.status(),
  };
}

const configInput = z.object({ config: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }) });

/** PUT /v1/opencode/config: 200 once opencode answers with this configuration, 503 in words when it cannot. */
export async function configureOpencode(opencode: OpencodeHost, body: unknown) {
  const { config } = parseInput(configInput, body);
  try {
    const { configHash, generation, state } = await opencode.configure(config);
    return { configHash, generation, state };
  } catch (error) {
    throw new HttpError(503, "opencode-unavailable", error instanceof Error ? error.message : String(error));
  }
}

const probeInput = z.object({ repoPath: z.string({ error: "must be a string" }) });

/**
 * POST /v1/host/probe: whether `repoPath` is a repository this host would make a worktree of, checked by
 * the sidecar's own code path for POST /v1/worktrees (hardened git: nothing of the repository runs).
 * A path of the wrong shape (relative, `~user`) is not usable rather than a 400: the web app asks
 * every host about what the user typed.
 */
export async function probeRepository(git: GitContext, body: unknown) {
  const { repoPath: input } = parseInput(probeInput, body);
  const shaped = repoPathInput.safeParse(input);
  if (!shaped.success) return { repoPath: input, usable: false, reason: `repoPath: ${shaped.error.issues.map((issue) => issue.message).join("; ")}` };
  const repoPath = expandHome(input, git.home);
  try {
    const { repoDir } = await resolveRepository(git, input, "repoPath");
    await requireGuard(git, repoDir, { submodules: false });
    return { repoPath, usable: true, reason: null };
  } catch (error) {
    if (error instanceof HttpError || (error instanceof GitError && !error.diskFull)) return { repoPath, usable: false, reason: error.message };
    throw error;
  }
}

const scratchInput = z.object({ id: z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, '_' or '-'") });

/** POST /v1/host/scratch: the folder a chat-only session's agent works in on this host. */
export async function makeScratch(dataDir: string, body: unknown) {
  const { id } = parseInput(scratchInput, body);
  const folder = path.join(dataDir, "scratch", id);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return { path: folder };
}

const skillsInput = z.object({ directory: absolutePath });

/**
 * POST /v1/host/skills: a worktree's own skills (`.opencode/skill*`, `.claude/skills`), which the web
 * app cannot read on another machine; a SKILL.md that resolves outside the worktree is not read.
 */
export async function listWorktreeSkills(git: GitContext, worktreeRoot: string, body: unknown) {
  const { directory } = parseInput(skillsInput, body);
  const target = await resolveInsideRoot(worktreeRoot, directory, "directory");
  await requireListedWorktree(git, target, 404);
  const skills = await worktreeSkills(target.real);
  return { skills: skills.map(({ name, description, prompt, path: file }) => ({ name, description, prompt, path: file })) };
}
