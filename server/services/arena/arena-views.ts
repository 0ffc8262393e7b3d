import type { ArenaEntryResult, Prisma } from "@prisma/client";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { TaskStatus } from "../../schemas/chat-event";
import type { SidecarClient } from "../../sidecar-client";
import { liveWorktree } from "../worktree/session-worktrees";
import { measureArenaEntry } from "./measure-entry";

/** What an entry did, measured when its task ended (null until then). */
export type ArenaEvidence = {
  filesChanged: number | null;
  additions: number | null;
  deletions: number | null;
  durationMs: number | null;
  /** The repository's own check (`.boochat/arena.json`); absent when it defines none. */
  check?: { status: string; exitCode: number | null; tail: string };
  /** Why the changes could not be measured, in words. */
  error: string | null;
};

export type ArenaEntryView = {
  /** The entry's own session (its worktree, its tab). */
  sessionId: string;
  /** The entry's tab, or null when it was closed. */
  chatId: string | null;
  title: string;
  agent: string;
  model: string | null;
  branch: string | null;
  worktreePath: string | null;
  /** The entry's latest task (the arena's prompt, or a later message in its tab). */
  task: { id: string; status: TaskStatus; error: string | null } | null;
  evidence: ArenaEvidence | null;
};

export type ArenaView = {
  id: string;
  /** The session that started the arena. */
  sessionId: string;
  prompt: string;
  createdAt: string;
  winnerChatId: string | null;
  entries: ArenaEntryView[];
};

const arenaInclude = {
  entries: {
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      arenaResult: true,
      worktree: { select: { path: true, branch: true, removedAt: true } },
      chats: {
        orderBy: [{ position: "asc" }, { createdAt: "asc" }],
        take: 1,
        include: { tasks: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { id: true, status: true, error: true } } },
      },
    },
  },
} satisfies Prisma.ArenaInclude;

type ArenaRow = NonNullable<Awaited<ReturnType<typeof findArena>>>;

function evidenceOf(result: ArenaEntryResult | null): ArenaEvidence | null {
  if (!result) return null;
  const { filesChanged, additions, deletions, durationMs, error } = result;
  return {
    filesChanged,
    additions,
    deletions,
    durationMs,
    error,
    ...(result.checkStatus ? { check: { status: result.checkStatus, exitCode: result.checkExitCode, tail: result.checkTail ?? "" } } : {}),
  };
}

function findArena(db: Db, id: string) {
  return db.arena.findUnique({ where: { id }, include: arenaInclude });
}

function toView(arena: ArenaRow): ArenaView {
  return {
    id: arena.id,
    sessionId: arena.sessionId,
    prompt: arena.prompt,
    createdAt: arena.createdAt.toISOString(),
    winnerChatId: arena.winnerChatId,
    entries: arena.entries.map((session) => {
      const worktree = liveWorktree(session.worktree);
      const chat = session.chats[0];
      const task = chat?.tasks[0];
      return {
        sessionId: session.id,
        chatId: chat?.id ?? null,
        title: session.title,
        agent: chat?.agent ?? "opencode",
        model: chat?.model ?? null,
        branch: worktree?.branch ?? null,
        worktreePath: worktree?.path ?? null,
        task: task ? { id: task.id, status: task.status as TaskStatus, error: task.error } : null,
        evidence: evidenceOf(session.arenaResult),
      };
    }),
  };
}

type ViewDeps = { db: Db; sidecar: SidecarClient };

/**
 * An entry whose task ended but that was never measured (BooChat stopped meanwhile) is measured
 * now, in the background: the next look shows it.
 */
function measureMissing(deps: ViewDeps, view: ArenaView): ArenaView {
  for (const entry of view.entries) {
    if (!entry.evidence && entry.task && ["succeeded", "failed", "cancelled"].includes(entry.task.status)) {
      void measureArenaEntry(deps, entry.sessionId).catch(() => undefined);
    }
  }
  return view;
}

export async function getArena(deps: ViewDeps, id: string): Promise<ArenaView> {
  const arena = await findArena(deps.db, id);
  if (!arena) throw notFound("Arena", id);
  return measureMissing(deps, toView(arena));
}

/** The arenas started from a session, newest first. */
export async function listArenas(deps: ViewDeps, sessionId: string): Promise<ArenaView[]> {
  const session = await deps.db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  const arenas = await deps.db.arena.findMany({ where: { sessionId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], include: arenaInclude });
  return arenas.map((arena) => measureMissing(deps, toView(arena)));
}
