import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "../db";
import { AppError, notFound } from "../errors";

export type ChatDirectory = {
  /** Where the agent works: the session's worktree, else its session's (or a standalone chat's own) scratch folder. */
  path: string;
  worktreeId: string | null;
  sessionId: string | null;
  scratch: boolean;
};

/**
 * The folder a chat's agent works in: `chats.session_id → worktrees.path` (a worktree not
 * removed). Without a worktree, the tabs of a chat-only session share a scratch folder
 * `<scratch root>/<sessionId>` and a standalone chat has its own, `<scratch root>/<chatId>`
 * (BOOCHAT_SCRATCH_DIR), so an agent never runs in BooChat's
 * own directory nor in its data folder, beside its tokens.
 */
export async function resolveChatDirectory(db: Db, chatId: string, scratchRoot: string): Promise<ChatDirectory> {
  const chat = await db.chat.findUnique({ where: { id: chatId }, select: chatDirectorySelect });
  if (!chat) throw notFound("Tab", chatId);
  return chatDirectoryOf(chat, scratchRoot);
}

/** What `chatDirectoryOf` needs from a chat row: select it along with whatever else a caller reads. */
export const chatDirectorySelect = {
  id: true,
  sessionId: true,
  session: { select: { worktree: { select: { id: true, path: true, removedAt: true } } } },
} as const;

type WorktreeRow = { id: string; path: string; removedAt: Date | null };

export type ChatDirectoryRow = {
  id: string;
  sessionId: string | null;
  session: { worktree: WorktreeRow | null } | null;
};

/** The session's worktree (an arena entry's is its session's own), else the scratch folder of its session (or its own). */
export async function chatDirectoryOf(chat: ChatDirectoryRow, scratchRoot: string): Promise<ChatDirectory> {
  const chatId = chat.id;
  const row = chat.session?.worktree ?? null;
  const worktree = row && row.removedAt === null ? row : null;
  if (worktree) {
    const stat = await fs.stat(worktree.path).catch(() => null);
    if (!stat?.isDirectory()) {
      throw new AppError("PRECONDITION_FAILED", `The worktree ${worktree.path} is missing on disk, so the agent has nowhere to work`);
    }
    return { path: worktree.path, worktreeId: worktree.id, sessionId: chat.sessionId, scratch: false };
  }
  // Tabs of a chat-only session share its folder, as tabs of a worktree session share the worktree;
  // opencode then boots that folder once (about a second at its first prompt), not once per tab.
  const scratch = path.join(scratchRoot, chat.sessionId ?? chatId);
  await fs.mkdir(scratch, { recursive: true, mode: 0o700 });
  return { path: scratch, worktreeId: null, sessionId: chat.sessionId, scratch: true };
}
