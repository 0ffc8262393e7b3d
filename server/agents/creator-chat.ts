import type { Db } from "../db";
import { notFound } from "../errors";
import { nextTabPosition } from "../lib/next-tab-position";

/**
 * The chat of a task from a session-less creator (arena, MCP, new_task, generic), keyed by the
 * creator and its own reference, so a follow-up from the same MCP conversation lands in the same chat.
 */

/** The creators whose tasks may come without a chat. */
export const SESSIONLESS_CREATORS = ["arena", "mcp", "new_task", "generic"] as const;
export type SessionlessCreator = (typeof SESSIONLESS_CREATORS)[number];

export type CreatorChatInput = {
  creator: string;
  /** The creator's own reference (an MCP conversation id, …): the same one finds the same chat. None → a new chat. */
  creatorRef?: string | null;
  /** The session the chat is a tab of; none → a standalone chat. */
  sessionId?: string | null;
  agent: string;
  title?: string;
  /** The task whose agent asked for this chat (new_task). */
  startedByTaskId?: string | null;
};

/** "<creator>:<session or ->:<reference>": one chat per (creator, reference) in a session. */
export function creatorKeyOf(input: Pick<CreatorChatInput, "creator" | "creatorRef" | "sessionId">): string | null {
  const ref = input.creatorRef?.trim();
  return ref ? `${input.creator}:${input.sessionId ?? "-"}:${ref}` : null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * The chat of a task from a session-less creator, resolved by (creator, reference) through the
 * unique `chats.creator_key`, or created: a new tab at the end of the session's tab row, or a
 * standalone chat. The lookup and the creation run in one transaction, and a concurrent creation
 * of the same key (the unique index refuses the second) reads the winner's chat: two tasks with the
 * same reference always share one chat.
 */
export async function resolveCreatorChat(db: Db, input: CreatorChatInput): Promise<{ id: string; created: boolean }> {
  const creatorKey = creatorKeyOf(input);
  const sessionId = input.sessionId ?? null;
  const findExisting = () =>
    creatorKey ? db.chat.findUnique({ where: { creatorKey }, select: { id: true } }) : Promise.resolve(null);
  const existing = await findExisting();
  if (existing) return { id: existing.id, created: false };
  try {
    return await db.$transaction(async (tx) => {
      if (creatorKey) {
        const found = await tx.chat.findUnique({ where: { creatorKey }, select: { id: true } });
        if (found) return { id: found.id, created: false };
      }
      let position = 0;
      if (sessionId) {
        const session = await tx.session.findUnique({ where: { id: sessionId }, select: { id: true } });
        if (!session) throw notFound("Session", sessionId);
        position = await nextTabPosition(tx, sessionId);
      }
      const chat = await tx.chat.create({
        data: {
          creatorKey,
          sessionId,
          position,
          agent: input.agent,
          title: input.title?.trim() || `${input.creator} task`,
          startedByTaskId: input.startedByTaskId ?? null,
        },
        select: { id: true },
      });
      return { id: chat.id, created: true };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findExisting();
    if (!winner) throw error;
    return { id: winner.id, created: false };
  }
}

const CREATOR_LABELS: Record<string, string> = { mcp: "MCP", generic: "Task", new_task: "Follow-up", arena: "Arena" };

/** A readable tab title for a creator's chat: who made it and the start of the prompt. */
export function chatTitleFor(creator: string, prompt: string): string {
  const words = prompt.replace(/\s+/g, " ").trim();
  const head = words.length > 48 ? `${words.slice(0, 47)}…` : words;
  return `${CREATOR_LABELS[creator] ?? creator}: ${head}`.slice(0, 200);
}
