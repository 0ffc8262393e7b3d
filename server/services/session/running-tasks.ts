import type { Db } from "../../db";
import type { RunningTask } from "../../schemas/session";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The queued and running tasks of these sessions, oldest first, from the database alone. */
export async function runningTasksOf(db: Db, sessionIds: string[]): Promise<RunningTask[]> {
  const tasks = await db.task.findMany({
    where: {
      status: { in: ["queued", "running"] },
      OR: [{ sessionId: { in: sessionIds } }, { chat: { sessionId: { in: sessionIds } } }],
    },
    select: { id: true, chatId: true, agent: true, sessionId: true, chat: { select: { title: true, sessionId: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return tasks.map((task) => ({
    taskId: task.id,
    chatId: task.chatId,
    chatTitle: task.chat?.title ?? null,
    agent: task.agent,
    sessionId: task.chat?.sessionId ?? task.sessionId,
  }));
}

/** "2 agents are still running (opencode in “Tab 1”, aider in “Tab 2”)": for the 409's message. */
export function describeRunning(tasks: RunningTask[]): string {
  const where = tasks.map((t) => (t.chatTitle ? `${t.agent} in “${t.chatTitle}”` : t.agent));
  const verb = tasks.length === 1 ? "is" : "are";
  return `${plural(tasks.length, "agent", "agents")} ${verb} still running (${where.join(", ")})`;
}
