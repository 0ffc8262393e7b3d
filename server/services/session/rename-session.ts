import type { Db } from "../../db";
import { notFound } from "../../errors";
import { publishSessionChange } from "./session-events";

export async function renameSession(db: Db, input: { id: string; title: string }) {
  const { count } = await db.session.updateMany({ where: { id: input.id }, data: { title: input.title } });
  if (count === 0) throw notFound("Session", input.id);
  publishSessionChange();
  return db.session.findUniqueOrThrow({ where: { id: input.id } });
}
