import { randomBytes } from "node:crypto";
import type { Db } from "../../db";
import type { StoredPart, TaskStatus } from "../../schemas/chat-event";
import type { ExternalAgentSettings } from "../agent-settings";
import { resolveChatDirectory, type ChatPlaces } from "../chat-directory";
import type { ChatEvents } from "../chat-events";
import { createMessageWriter } from "../runs/message-writer";
import { failTask, finishTask, isTerminal, markRunning, saveMessage } from "../runs/task-records";
import { HostLostError, runExternalAgentOnHost } from "../../hosts/host-agent-run";
import { HOST_LOSS_TIMEOUT_MS } from "../../hosts/remote-opencode";
import { runExternalAgent } from "./external-agent";

/**
 * A task run by an external agent: its output streamed into one assistant message of the chat. It
 * runs where the chat's folder is: beside the web app, or on the host service that holds it.
 */
export async function runExternalAgentTask(
  deps: { db: Db; events: ChatEvents; places: ChatPlaces; hostLossTimeoutMs?: number },
  input: { taskId: string; agent: ExternalAgentSettings; signal: AbortSignal },
): Promise<TaskStatus> {
  const { db, events } = deps;
  const task = await db.task.findUnique({ where: { id: input.taskId } });
  if (!task?.chatId) {
    if (task) await failTask(db, events, task.id, "An external agent task needs a chat");
    return "failed";
  }
  if (isTerminal(task.status)) return task.status as TaskStatus;
  if (!(await markRunning(db, events, task))) return "cancelled";
  const chatId = task.chatId;

  const messageId = `ext_${task.id}`;
  const createdAt = new Date();
  const parts: StoredPart[] = [];
  let current: Extract<StoredPart, { type: "output" }> | null = null;
  // Output is written as it comes, one write at a time (a write asked for meanwhile follows it).
  const writer = createMessageWriter({ batchMs: 0, save: () => saveMessage(db, { id: messageId, chatId, taskId: task.id, role: "assistant", parts, createdAt }) });
  const persist = () => writer.write(messageId);
  const publishWhole = () =>
    events.publish(chatId, {
      type: "message",
      message: { id: messageId, chatId, taskId: task.id, role: "assistant", parts: parts.map((p) => ({ ...p })), createdAt: createdAt.toISOString() },
    });
  publishWhole();
  await persist();

  try {
    const directory = await resolveChatDirectory(db, chatId, deps.places);
    const host = directory.local ? null : deps.places.hosts.find((candidate) => candidate.name === directory.host);
    // chatDirectoryOf names only configured hosts; never run beside the web app in another machine's path.
    if (host === undefined) throw new Error(`host "${directory.host}" is not in BOOCHAT_HOSTS_FILE`);
    const run = {
      agent: input.agent,
      prompt: task.prompt,
      signal: input.signal,
      onOutput(stream: "stdout" | "stderr", text: string) {
        // Consecutive output of one stream is one part; a switch of stream starts a new one.
        if (!current || current.stream !== stream) {
          current = { id: `out_${randomBytes(6).toString("hex")}`, type: "output", stream, text: "" };
          parts.push(current);
        }
        current.text += text;
        events.publish(chatId, { type: "delta", messageId, partId: current.id, kind: "output", stream, delta: text });
        void persist();
      },
    };
    const result =
      host === null
        ? await runExternalAgent({ ...run, cwd: directory.path })
        : await runExternalAgentOnHost(host, { ...run, directory: directory.path, lossTimeoutMs: deps.hostLossTimeoutMs ?? HOST_LOSS_TIMEOUT_MS, fetch: deps.places.fetch });
    await persist();
    publishWhole();
    if (result.cancelled) {
      // The stop's own words ("Stopped: its tab was closed"), as for an opencode run.
      await finishTask(db, events, task.id, "cancelled", typeof input.signal.reason === "string" ? input.signal.reason : "Stopped");
      return "cancelled";
    }
    if (result.exitCode === 0) {
      await finishTask(db, events, task.id, "succeeded", null);
      return "succeeded";
    }
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
    const lastLine = result.stderrTail.trim().split("\n").pop()?.trim();
    await failTask(db, events, task.id, `${input.agent.name} ${how}${lastLine ? `: ${lastLine}` : ""}`);
    return "failed";
  } catch (error) {
    await persist();
    publishWhole();
    const reason = error instanceof Error ? error.message : String(error);
    await failTask(db, events, task.id, error instanceof HostLostError ? reason : `${input.agent.name} could not be started: ${reason}`);
    return "failed";
  }
}
