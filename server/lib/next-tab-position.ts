import type { Prisma } from "@prisma/client";

/** Where a new tab of a session goes: after its last one (0 for the first). Run it in the transaction that creates the tab. */
export async function nextTabPosition(tx: Prisma.TransactionClient, sessionId: string): Promise<number> {
  const last = await tx.chat.aggregate({ where: { sessionId }, _max: { position: true } });
  return (last._max.position ?? -1) + 1;
}
