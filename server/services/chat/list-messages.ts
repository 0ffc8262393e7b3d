import { toStoredMessage } from "../../agents/runs/task-records";
import type { Db } from "../../db";
import { notFound } from "../../errors";
import type { StoredMessage } from "../../schemas/chat-event";

/** A tab's messages, oldest first, as the tab shows them. */
export async function listMessages(db: Db, chatId: string): Promise<StoredMessage[]> {
  const chat = await db.chat.findUnique({ where: { id: chatId }, select: { id: true } });
  if (!chat) throw notFound("Tab", chatId);
  const rows = await db.message.findMany({ where: { chatId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toStoredMessage);
}
