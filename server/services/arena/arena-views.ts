import type { Prisma } from "@prisma/client";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { TaskStatus } from "../../schemas/chat-event";
import { liveWorktree } from "../worktree/session-worktrees";

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
      };
    }),
  };
}

export async function getArena(db: Db, id: string): Promise<ArenaView> {
  const arena = await findArena(db, id);
  if (!arena) throw notFound("Arena", id);
  return toView(arena);
}

/** The arenas started from a session, newest first. */
export async function listArenas(db: Db, sessionId: string): Promise<ArenaView[]> {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  const arenas = await db.arena.findMany({ where: { sessionId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], include: arenaInclude });
  return arenas.map(toView);
}
