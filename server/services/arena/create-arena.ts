import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { ArenaContestant, ArenaCreateInput } from "../../schemas/arena";
import { asHostRouter } from "../../hosts/host-router";
import { sidecarFailure, type SidecarClient } from "../../sidecar-client";
import type { AgentInfo, AgentRuntime } from "../../agents/runtime";
import { removeWorktreeThroughSidecar } from "../session/delete-session";
import { liveWorktree } from "../worktree/session-worktrees";
import { getArena, type ArenaView } from "./arena-views";
import { publishSessionChange } from "../session/session-events";
import { watchArenaEntries } from "./watch-arena-entries";

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

type Entry = { sessionId: string; chatId: string; worktree: { id: string; path: string; branch: string | null } };

/**
 * The repository of the session's worktree. Rows the legacy migration wrote have none recorded
 * (repo_path ''): the sidecar reads it from the worktree itself, and the row remembers it.
 */
async function repositoryOf(deps: CreateArenaDeps, worktree: { id: string; path: string; repoPath: string }): Promise<string> {
  if (worktree.repoPath) return worktree.repoPath;
  let repoPath: string;
  try {
    ({ repoPath } = await deps.sidecar.repository({ path: worktree.path }));
  } catch (error) {
    throw sidecarFailure(`The arena could not start: the repository of ${worktree.path} could not be found`, error);
  }
  await deps.db.worktree.update({ where: { id: worktree.id }, data: { repoPath } });
  return repoPath;
}

/**
 * Runs one prompt with several agents or models side by side. Each entry is a session of its own
 * (linked to the arena; the sidebar shows it under the session that started it) with one tab and
 * its own worktree, on a branch made from the origin session's branch as committed, so entries
 * cannot overwrite each other or the origin's worktree, all on the origin's host. Every worktree is behind the delete gate
 * like any session's. If an entry cannot be set up, the ones already made are taken back (fresh,
 * so the gate finds them clean) and nothing runs.
 */
export async function createArena(deps: CreateArenaDeps, input: ArenaCreateInput): Promise<ArenaView> {
  const { db, agents } = deps;
  const session = await db.session.findUnique({ where: { id: input.sessionId }, include: { worktree: true } });
  if (!session) throw notFound("Session", input.sessionId);
  const own = liveWorktree(session.worktree);
  if (!own) {
    throw new AppError("BAD_REQUEST", `sessionId: session "${session.title}" has no worktree; an arena gives each entry a branch of the session's repository`);
  }
  const contestants = resolveContestants(agents.listAgents(), input.agents);
  const repoPath = await repositoryOf(deps, own);
  // Entries go to the origin's host, beside its repository: an arena never spreads over hosts.
  const host = asHostRouter(deps.sidecar).hostOf(own.host).name;

  const arena = await db.arena.create({ data: { sessionId: session.id, prompt: input.prompt } });
  const made: Entry[] = [];
  try {
    for (const [index, contestant] of contestants.entries()) {
      made.push(await createEntry(deps, { arenaId: arena.id, n: index + 1, contestant, repoPath, base: own.branch ?? own.baseRef, host }));
    }
  } catch (error) {
    await undoArena(deps, arena.id, made);
    throw sidecarFailure("The arena could not start", error);
  }

  // Every entry exists before any runs: a failure to start one is that entry's failed task, not a lost arena.
  const started = [];
  for (const entry of made) {
    const { taskId } = await agents.startTask({ creator: "arena", chatId: entry.chatId, prompt: input.prompt });
    started.push({ sessionId: entry.sessionId, chatId: entry.chatId, taskId });
  }
  watchArenaEntries({ db, sidecar: deps.sidecar, events: agents.events }, started);
  // Other windows list the entry sessions too.
  publishSessionChange();
  return getArena(deps, arena.id);
}

/** One entry: its session and tab first (the worktree is named after the session), then its worktree. */
async function createEntry(
  deps: CreateArenaDeps,
  entry: { arenaId: string; n: number; contestant: Contestant; repoPath: string; base: string | null; host: string },
): Promise<Entry> {
  const { db } = deps;
  const sidecar = asHostRouter(deps.sidecar).forHost(entry.host);
  const title = `Arena ${entry.n}: ${entry.contestant.label}`.slice(0, 200);
  const session = await db.session.create({
    data: {
      title,
      arenaId: entry.arenaId,
      chats: { create: { title, agent: entry.contestant.agent, model: entry.contestant.model, position: 0 } },
    },
    include: { chats: { select: { id: true } } },
  });
  let created;
  try {
    created = await sidecar.createWorktree({
      sessionId: session.id,
      repoPath: entry.repoPath,
      branch: `boochat/arena-${entry.arenaId.slice(-6)}-${entry.n}-${slug(entry.contestant.label)}`,
      // From the session's branch as committed: uncommitted work in the session's worktree stays there.
      ...(entry.base ? { base: entry.base } : {}),
    });
  } catch (error) {
    // No worktree was made: the entry's session holds nothing yet.
    await db.session.delete({ where: { id: session.id } }).catch(() => undefined);
    throw error;
  }
  const worktree = await db.worktree.create({
    data: { sessionId: session.id, repoPath: entry.repoPath, path: created.path, branch: created.branch, baseRef: created.head, host: entry.host, purpose: "arena" },
  });
  return { sessionId: session.id, chatId: session.chats[0]?.id ?? "", worktree };
}

/** Takes back a half-made arena: its fresh worktrees go through the gate; any that cannot stay, with their session. */
async function undoArena(deps: CreateArenaDeps, arenaId: string, made: Entry[]) {
  for (const entry of made) {
    try {
      await removeWorktreeThroughSidecar(deps, entry.worktree);
      await deps.db.session.delete({ where: { id: entry.sessionId } });
    } catch {
      // Kept: the entry session and its worktree stay, behind the delete gate like any session.
    }
  }
  const left = await deps.db.session.count({ where: { arenaId } });
  if (left === 0) await deps.db.arena.delete({ where: { id: arenaId } });
}
