import type { Db } from "../../db";
import { notFound } from "../../errors";

export async function renameChat(db: Db, input: { id: string; title: string }) {
  const { count } = await db.chat.updateMany({ where: { id: input.id }, data: { title: input.title } });
  if (count === 0) throw notFound("Tab", input.id);
  return db.chat.findUniqueOrThrow({ where: { id: input.id } });
}
