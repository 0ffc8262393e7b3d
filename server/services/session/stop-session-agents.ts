import type { AgentRuntime } from "../../agents/runtime";
import type { Db } from "../../db";
import type { RunningTask } from "../../schemas/session";
import { runningTasksOf } from "./running-tasks";
import { sessionFamily, type FamilyMember } from "./session-family";

/** What stopping a session's agents needs from the agent runtime. */
export type SessionAgents = Pick<AgentRuntime, "stopTasks" | "forgetChats">;

export type StopAgentsDeps = { db: Db; agents?: SessionAgents };

/**
 * Rows no run of this process holds (a runtime that cannot run agents, or none in the context)
 * end here, so a task row can never keep its session from being deleted.
 */
async function cancelLeftoverRows(db: Db, taskIds: string[], reason: string): Promise<void> {
  if (taskIds.length === 0) return;
  await db.task.updateMany({
    where: { id: { in: taskIds }, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", error: reason, finishedAt: new Date() },
  });
}

/**
 * Stops every agent at work in a session and its arena entry sessions (the block dialog's "Stop
 * agents"); each task ends `cancelled`. Bounded by the runtime's stop timeout.
 */
export async function stopSessionAgents(deps: StopAgentsDeps, sessionId: string): Promise<{ stopped: RunningTask[] }> {
  const family = await sessionFamily(deps.db, sessionId);
  const running = await runningTasksOf(deps.db, family.map((member) => member.id));
  const reason = "Stopped from the delete dialog";
  const ids = running.map((task) => task.taskId);
  await deps.agents?.stopTasks(ids, { reason });
  await cancelLeftoverRows(deps.db, ids, reason);
  return { stopped: running };
}

/**
 * Ends every agent context of sessions about to be deleted: running tasks stop (bounded), their
 * opencode sessions are deleted, nothing keeps working in a worktree after its session is gone.
 */
export async function endFamilyAgents(deps: StopAgentsDeps, family: FamilyMember[], reason: string): Promise<void> {
  const running = await runningTasksOf(deps.db, family.map((member) => member.id));
  await deps.agents?.forgetChats(family.flatMap((member) => member.chatIds), { reason });
  // Tasks of a closed tab (chat_id NULL) still name their session.
  await deps.agents?.stopTasks(running.map((task) => task.taskId), { reason });
  await cancelLeftoverRows(deps.db, running.map((task) => task.taskId), reason);
}
