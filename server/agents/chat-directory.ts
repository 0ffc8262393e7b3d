import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";

export type ChatDirectory = {
  /** Where the agent works: the session's worktree, or the chat's scratch folder. */
  path: string;
  worktreeId: string | null;
  sessionId: string | null;
  scratch: boolean;
};

/**
 * The folder a chat's agent works in: `chats.session_id → worktrees.path` (a worktree not
 * removed). A chat without a worktree (chat-only session, standalone chat) gets its own scratch
 * folder `<dataDir>/scratch/<chatId>`, so an agent never runs in BooChat's own directory.
 */
export async function resolveChatDirectory(db: Db, chatId: string, dataDir: string): Promise<ChatDirectory> {
  const chat = await db.chat.findUnique({ where: { id: chatId }, select: chatDirectorySelect });
  if (!chat) throw notFound("Tab", chatId);
  return chatDirectoryOf(chat, dataDir);
}

/** What `chatDirectoryOf` needs from a chat row: select it along with whatever else a caller reads. */
export const chatDirectorySelect = {
  id: true,
  sessionId: true,
  session: { select: { worktree: { select: { id: true, path: true, removedAt: true } } } },
} as const;

export type ChatDirectoryRow = {
  id: string;
  sessionId: string | null;
  session: { worktree: { id: string; path: string; removedAt: Date | null } | null } | null;
};

export async function chatDirectoryOf(chat: ChatDirectoryRow, dataDir: string): Promise<ChatDirectory> {
  const chatId = chat.id;
  if (chat.sessionId) {
    const found = chat.session?.worktree;
    const worktree = found && found.removedAt === null ? found : null;
    if (worktree) {
      const stat = await fs.stat(worktree.path).catch(() => null);
      if (!stat?.isDirectory()) {
        throw new AppError("PRECONDITION_FAILED", `The session's worktree ${worktree.path} is missing on disk, so the agent has nowhere to work`);
      }
      return { path: worktree.path, worktreeId: worktree.id, sessionId: chat.sessionId, scratch: false };
    }
  }
  const scratch = path.join(dataDir, "scratch", chatId);
  await fs.mkdir(scratch, { recursive: true });
  return { path: scratch, worktreeId: null, sessionId: chat.sessionId, scratch: true };
}

/** The creators whose tasks may come without a chat. */
export const SESSIONLESS_CREATORS = ["arena", "mcp", "new_task", "generic"] as const;

/**
 * The chat of a task from a session-less creator, keyed by (creator, the creator's own reference)
 * in `chats.creator_key`, so a follow-up from the same MCP conversation lands in the same chat.
 */
export async function resolveCreatorChat(
  db: Db,
  input: { creator: string; creatorRef?: string | null; agent: string; taskId: string },
): Promise<string> {
  const creatorKey = `${input.creator}:${input.creatorRef?.trim() || input.taskId}`;
  // An upsert on the unique key: two first messages at once still share one chat.
  const chat = await db.chat.upsert({
    where: { creatorKey },
    create: { creatorKey, title: creatorKey, agent: input.agent, sessionId: null },
    update: {},
    select: { id: true },
  });
  return chat.id;
}
