import type { Task } from "@prisma/client";
import type { Db } from "../../db";
import { AppError } from "../../errors";
import type { KeyLock } from "../../lib/key-lock";
import { describeSdkError, sdkErrorText } from "../../lib/sdk-error";
import type { TaskStatus } from "../../schemas/chat-event";
import { formatModelRef, type ModelRef } from "../../schemas/model-ref";
import type { AgentSettings } from "../agent-settings";
import { resolveChatDirectory, type ChatDirectory, type ChatPlaces } from "../chat-directory";
import type { ChatEvents } from "../chat-events";
import { chatTitleFor, resolveCreatorChat } from "../creator-chat";
import type { RunTracker } from "../runs/run-tracker";
import { failTask, isTerminal, markRunning } from "../runs/task-records";
import { ensureSession, type EnsuredSession } from "./ensure-session";
import type { OpencodeEventSource } from "./event-source";
import type { OpencodeServer } from "./opencode-process";

export type OpencodeTaskDeps = {
  db: Db;
  events: ChatEvents;
  opencode: OpencodeServer;
  tracker: RunTracker;
  /** The event stream, started with the first run. */
  eventSource: OpencodeEventSource;
  settings: AgentSettings;
  /** Where chats' folders are: their worktree's host, else the home host's scratch folder (chat-directory.ts). */
  places: ChatPlaces;
  /** Serialises ensureSession per (chat, agent): two messages at once must not make two sessions. */
  withLock: KeyLock;
  /** The opencode sessions this process has seen alive since opencode last started. */
  sessions: KnownSessions;
};

export type KnownSessions = { isAlive(externalId: string): boolean; remember(externalId: string): void; forget(externalId: string): void };

export type OpencodeTaskInput = {
  id: string;
  /** The task row when the caller has it (saves a read on the way to the first token). */
  task?: Task;
  /** The creator's own reference (an MCP conversation id, …) for tasks that come without a chat. */
  creatorRef?: string | null;
  /** Another configured model for this run. */
  model?: ModelRef | null;
  /** The chat's directory when the caller already looked it up. */
  directory?: Promise<ChatDirectory>;
  /** The session made ready while the task was being written (prepareOpencodeSession). */
  prepared?: Promise<PreparedSession>;
  /** Writes that can wait until the prompt has been sent (the user's message). */
  afterPromptSent?: () => Promise<void>;
};


/**
 * Runs one task on opencode (docs/ARCHITECTURE.md, "The message path", steps 2–4):
 * the task's chat (resolved or created for session-less creators), its agent session
 * (ensureSession), `promptAsync`, then the event stream carries it to its end.
 * Status goes queued → running → succeeded | failed | cancelled, with the error in words.
 */
export type PreparedSession = { model: ModelRef; directory: ChatDirectory; session: EnsuredSession };

/**
 * Everything a prompt needs before it can go out: the model, the chat's directory, opencode up,
 * and the chat's agent session (ensureSession). It does not depend on the task row, so the
 * runtime starts it while the task is being written.
 */
export async function prepareOpencodeSession(
  deps: OpencodeTaskDeps,
  input: { chatId: string; agent: string; model: ModelRef | null; directory?: Promise<ChatDirectory>; verify?: boolean },
): Promise<PreparedSession> {
  const { db, opencode, settings } = deps;
  const model = input.model ?? settings.model;
  if (!model) {
    throw new AppError("PRECONDITION_FAILED", "No model is configured: set BOOCHAT_MODEL_BASE_URL and BOOCHAT_MODEL (see docs/AGENTS.md)");
  }
  const provider = settings.providers.find((p) => p.id === model.providerID);
  if (!provider?.models.includes(model.modelID)) {
    throw new AppError("BAD_REQUEST", `The model ${formatModelRef(model)} is not configured`);
  }
  const directory = await (input.directory ?? resolveChatDirectory(db, input.chatId, deps.places));
  await startRunner(deps);
  const session = await deps.withLock(`${input.chatId}\u0000${input.agent}`, () =>
    ensureSession({ db, client: opencode.client }, input.chatId, input.agent, {
      model,
      mode: settings.opencodeAgent,
      systemPrompt: settings.systemPrompt,
      tools: settings.tools,
      directory: directory.path,
      worktreeId: directory.worktreeId,
      sessionId: directory.sessionId,
    }, input.verify ? {} : { knownAlive: (id) => deps.sessions.isAlive(id) }),
  );
  deps.sessions.remember(session.externalId);
  return { model, directory, session };
}

/**
 * opencode up and its events followed. The first time (a host's runner starts on its first use),
 * until the stream is connected, so no event of that first run is missed.
 */
async function startRunner(deps: OpencodeTaskDeps): Promise<void> {
  await deps.opencode.ready();
  deps.tracker.start();
  deps.eventSource.start();
  if (!deps.eventSource.hasConnected) await deps.eventSource.connected();
}

export async function runOpenCodeServerTask(deps: OpencodeTaskDeps, input: OpencodeTaskInput): Promise<TaskStatus> {
  const { db, events, opencode, tracker, settings } = deps;
  let task = input.task ?? (await db.task.findUnique({ where: { id: input.id } }));
  if (!task) throw new AppError("NOT_FOUND", `Task ${input.id} does not exist`);
  if (isTerminal(task.status)) return task.status as TaskStatus;

  let chatId = task.chatId;
  if (!chatId) {
    // A task row written without a chat (a session-less creator that left the choice to the run).
    ({ id: chatId } = await resolveCreatorChat(db, {
      creator: task.creator,
      creatorRef: input.creatorRef,
      sessionId: task.sessionId,
      agent: task.agent,
      title: chatTitleFor(task.creator, task.prompt),
    }));
    task = await db.task.update({ where: { id: task.id }, data: { chatId } });
  }
  const current = task;

  // SQLite writes block the process while they commit, so the ones that can wait (the user's
  // message, queued → running) wait until the prompt is on its way.
  let deferredDone = false;
  const runDeferred = async () => {
    if (deferredDone) return;
    deferredDone = true;
    await input.afterPromptSent?.().catch(() => undefined);
  };

  try {
    let prepared = await (input.prepared ??
      prepareOpencodeSession(deps, { chatId, agent: current.agent, model: input.model ?? null, directory: input.directory }));

    const prompt = async ({ model, directory, session }: PreparedSession) => {
      // Tracked before the prompt goes out, so not one event of the run is missed.
      const handle = tracker.track({ taskId: current.id, chatId, externalId: session.externalId, directory: directory.path });
      if (handle.cancelledBeforeStart) return { handle, sent: null };
      const sent = await opencode.client.session.promptAsync({
        sessionID: session.externalId,
        directory: directory.path,
        parts: [{ type: "text", text: current.prompt }],
        model: { providerID: model.providerID, modelID: model.modelID },
        agent: settings.opencodeAgent,
        system: [settings.systemPrompt, followUpHint(current.id)].filter(Boolean).join("\n\n"),
        ...(settings.tools ? { tools: settings.tools } : {}),
      });
      return { handle, sent };
    };

    let { handle, sent } = await prompt(prepared);
    if (sent?.response?.status === 404 && !prepared.session.verified) {
      // The session was reused unasked and opencode no longer has it: ask, make a new one, prompt again.
      deps.sessions.forget(prepared.session.externalId);
      tracker.untrack(current.id);
      prepared = await prepareOpencodeSession(deps, { chatId, agent: current.agent, model: prepared.model, verify: true });
      ({ handle, sent } = await prompt(prepared));
    }
    await runDeferred();
    if (!sent) return await handle.done;
    if (sent.error !== undefined || (sent.response && !sent.response.ok)) {
      const detail = sdkErrorText(sent.error) ?? `HTTP ${sent.response?.status}`;
      await tracker.end(current.id, { status: "failed", error: `opencode refused the prompt: ${detail}` });
    } else if (!(await markRunning(db, events, current))) {
      // Stop was pressed while the prompt was on its way (or the run already ended: nothing to do).
      const now = await db.task.findUnique({ where: { id: current.id }, select: { status: true } });
      if (now?.status === "cancelled" && tracker.isTracked(current.id)) await tracker.abort(current.id);
    }
    return await handle.done;
  } catch (error) {
    await runDeferred();
    const text = describeSdkError(error, "the run failed");
    if (tracker.isTracked(current.id)) await tracker.end(current.id, { status: "failed", error: text });
    else await failTask(db, events, current.id, text);
    const now = await db.task.findUnique({ where: { id: current.id }, select: { status: true } });
    return (now?.status ?? "failed") as TaskStatus;
  }
}

/**
 * Tells the agent which BooChat task it is running, so it can start a follow-up through BooChat's
 * MCP tool `new_task` (docs/AGENTS.md): the follow-up then lands in a new tab of the same session.
 */
export function followUpHint(taskId: string): string {
  return (
    `You are running as BooChat task ${taskId}. To hand a separate piece of work to another agent, ` +
    `call the BooChat tool new_task (boochat_new_task) with fromTaskId "${taskId}" and the prompt; ` +
    `it runs in a new tab of this session.`
  );
}
