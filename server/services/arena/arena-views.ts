import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { TaskStatus } from "../../agents/message-parts";

export type ArenaEntryView = {
  chatId: string;
  title: string;
  agent: string;
  model: string | null;
  branch: string | null;
  worktreePath: string | null;
  /** The entry's latest task (the arena's prompt, or a later message in that tab). */
  task: { id: string; status: TaskStatus; error: string | null } | null;
};

export type ArenaView = {
  id: string;
  sessionId: string;
  prompt: string;
  createdAt: string;
  winnerChatId: string | null;
  entries: ArenaEntryView[];
};

const arenaInclude = {
  entries: {
    orderBy: { position: "asc" },
    include: {
      worktree: { select: { path: true, branch: true, removedAt: true } },
      tasks: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, error: true } },
    },
  },
} as const;

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
    entries: arena.entries.map((chat) => {
      const worktree = chat.worktree && chat.worktree.removedAt === null ? chat.worktree : null;
      const task = chat.tasks[0];
      return {
        chatId: chat.id,
        title: chat.title,
        agent: chat.agent,
        model: chat.model,
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

/** The arenas of a session, newest first. */
export async function listArenas(db: Db, sessionId: string): Promise<ArenaView[]> {
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound("Session", sessionId);
  const arenas = await db.arena.findMany({ where: { sessionId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], include: arenaInclude });
  return arenas.map(toView);
}
