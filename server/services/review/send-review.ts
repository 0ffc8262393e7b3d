import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import { sendMessage } from "../chat/send-message";
import { formatReviewMessage } from "./review-message";

/**
 * Review → agent: every pending comment of the session goes to the chosen tab as one message
 * (`path:line`, the quoted code, the comment), through the same path as a typed message
 * (coder.message: a busy tab answers CONFLICT and nothing is marked sent); then they are sent.
 */
export async function sendReview(deps: { db: Db; agents: Pick<AgentRuntime, "sendMessage"> }, input: { sessionId: string; chatId: string }) {
  const chat = await deps.db.chat.findUnique({ where: { id: input.chatId }, select: { sessionId: true, title: true } });
  if (!chat) throw notFound("Tab", input.chatId);
  if (chat.sessionId !== input.sessionId) throw new AppError("BAD_REQUEST", `chatId: tab "${chat.title}" is not a tab of session ${input.sessionId}`);
  const pending = await deps.db.reviewComment.findMany({ where: { sessionId: input.sessionId, sentAt: null } });
  if (pending.length === 0) throw new AppError("BAD_REQUEST", "There are no pending comments to send");
  const { taskId } = await sendMessage(deps, { chatId: input.chatId, text: formatReviewMessage(pending) });
  await deps.db.reviewComment.updateMany({ where: { id: { in: pending.map((c) => c.id) }, sentAt: null }, data: { sentAt: new Date(), sentTaskId: taskId } });
  return { taskId, sent: pending.length };
}
