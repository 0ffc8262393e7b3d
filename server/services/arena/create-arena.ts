import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { ArenaContestant, ArenaCreateInput } from "../../schemas/arena";
import { SidecarRequestError, SidecarUnavailableError, type SidecarClient } from "../../sidecar-client";
import type { AgentInfo, AgentRuntime } from "../../agents/runtime";
import { removeWorktreeThroughSidecar } from "../session/delete-session";
import { liveWorktreesWhere, ownWorktree } from "../worktree/session-worktrees";
import { getArena, type ArenaView } from "./arena-views";

export type CreateArenaDeps = { db: Db; sidecar: SidecarClient; agents: AgentRuntime; riskTimeoutMs: number };

type Contestant = { agent: string; model: string | null; label: string };

/** Each contestant named as configured: an agent that exists, and for opencode a model it has. */
function resolveContestants(available: AgentInfo[], requested: ArenaContestant[]): Contestant[] {
  return requested.map((entry, index) => {
    const name = entry.agent ?? "opencode";
    const agent = available.find((a) => a.name === name);
    const where = `agents.${index}`;
    if (!agent) {
      throw new AppError("BAD_REQUEST", `${where}.agent: unknown agent "${name}" (configured: ${available.map((a) => a.name).join(", ") || "none"})`);
    }
    if (agent.kind === "external") {
      if (entry.model) throw new AppError("BAD_REQUEST", `${where}.model: the external agent ${name} takes no model`);
      return { agent: name, model: null, label: name };
    }
    const model = entry.model ?? agent.models[0];
    if (!model) throw new AppError("PRECONDITION_FAILED", "No model is configured for opencode (see docs/AGENTS.md)");
    if (!agent.models.includes(model)) {
      throw new AppError("BAD_REQUEST", `${where}.model: unknown model "${model}" (configured: ${agent.models.join(", ")})`);
    }
    return { agent: name, model, label: model };
  });
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 30) || "entry";
}

/**
 * Runs one prompt with several agents or models side by side. Each entry is a tab of the session
 * with a worktree of its own, on its own branch made from the session's branch, so entries cannot
 * overwrite each other or the session's worktree. The worktrees belong to the session (purpose
 * "arena"), so deleting the session goes through the delete gate for every one of them.
 * If an entry cannot be set up, the ones already made are removed again (they are fresh, so the
 * gate finds them clean) and nothing runs.
 */
export async function createArena(deps: CreateArenaDeps, input: ArenaCreateInput): Promise<ArenaView> {
  const { db, sidecar, agents } = deps;
  const session = await db.session.findUnique({ where: { id: input.sessionId }, include: { worktrees: { where: liveWorktreesWhere } } });
  if (!session) throw notFound("Session", input.sessionId);
  const own = ownWorktree(session.worktrees);
  if (!own) {
    throw new AppError("BAD_REQUEST", `sessionId: session "${session.title}" has no worktree; an arena gives each entry a branch of the session's repository`);
  }
  const contestants = resolveContestants(agents.listAgents(), input.agents);

  const arena = await db.arena.create({ data: { sessionId: session.id, prompt: input.prompt } });
  const made: Array<{ chatId: string; worktree: { id: string; path: string; branch: string | null } }> = [];
  try {
    const last = await db.chat.aggregate({ where: { sessionId: session.id }, _max: { position: true } });
    let position = (last._max.position ?? -1) + 1;
    for (const [index, contestant] of contestants.entries()) {
      const n = index + 1;
      const suffix = arena.id.slice(-6);
      const created = await sidecar.createWorktree({
        sessionId: `${session.id}-arena-${suffix}-${n}`,
        repoPath: own.repoPath,
        branch: `boochat/arena-${suffix}-${n}-${slug(contestant.label)}`,
        // From the session's branch as committed: uncommitted work in the session's worktree stays there.
        ...(own.branch ? { base: own.branch } : own.baseRef ? { base: own.baseRef } : {}),
      });
      const worktree = await db.worktree.create({
        data: {
          sessionId: session.id,
          repoPath: own.repoPath,
          path: created.path,
          branch: created.branch,
          baseRef: created.head,
          host: sidecar.url,
          purpose: "arena",
        },
      });
      const chat = await db.chat.create({
        data: {
          sessionId: session.id,
          arenaId: arena.id,
          worktreeId: worktree.id,
          agent: contestant.agent,
          model: contestant.model,
          title: `Arena ${n}: ${contestant.label}`.slice(0, 200),
          position: position++,
        },
      });
      made.push({ chatId: chat.id, worktree });
    }
  } catch (error) {
    await undoArena(deps, arena.id, made);
    if (error instanceof SidecarRequestError) throw new AppError("BAD_REQUEST", `The arena could not start: ${error.message}`);
    if (error instanceof SidecarUnavailableError) throw new AppError("SERVICE_UNAVAILABLE", `The arena could not start: ${error.message}`);
    throw error;
  }

  // Every entry exists before any runs: a failure to start one is that entry's failed task, not a lost arena.
  for (const entry of made) {
    await agents.startTask({ creator: "arena", chatId: entry.chatId, prompt: input.prompt });
  }
  return getArena(db, arena.id);
}

/** Takes back a half-made arena: its fresh worktrees go through the gate; any that cannot stay recorded. */
async function undoArena(deps: CreateArenaDeps, arenaId: string, made: Array<{ chatId: string; worktree: { id: string; path: string; branch: string | null } }>) {
  for (const entry of made) {
    try {
      await removeWorktreeThroughSidecar(deps, entry.worktree);
      await deps.db.chat.delete({ where: { id: entry.chatId } });
    } catch {
      // Kept: the tab and its worktree stay in the session, covered by the delete gate.
    }
  }
  const left = await deps.db.chat.count({ where: { arenaId } });
  if (left === 0) await deps.db.arena.delete({ where: { id: arenaId } });
}
