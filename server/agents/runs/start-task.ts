import type { Task } from "@prisma/client";
import type { Db } from "../../db";
import { AppError, notFound } from "../../errors";
import type { KeyLock } from "../../lib/key-lock";
import type { ModelRef } from "../../schemas/model-ref";
import type { StoredMessage } from "../../schemas/chat-event";
import type { AgentSettings } from "../agent-settings";
import type { HostConfig } from "../../hosts/hosts-config";
import { chatDirectoryOf, chatDirectorySelect, hostOfChat, type ChatDirectoryRow, type ChatPlaces } from "../chat-directory";
import type { ChatEvents } from "../chat-events";
import { chatTitleFor, resolveCreatorChat } from "../creator-chat";
import { runExternalAgentTask } from "../external/external-task";
import { prepareOpencodeSession, runOpenCodeServerTask, type OpencodeTaskDeps } from "../opencode/run-opencode-task";
import type { RunRegistry } from "./run-registry";
import { saveMessage, toTaskView } from "./task-records";

export type TaskCreator = "tab" | "skill" | "arena" | "mcp" | "new_task" | "generic";

export type StartTaskInput = {
  creator: TaskCreator;
  prompt: string;
  chatId?: string | null;
  /** A session-less creator's own reference: the same one finds the same chat. */
  creatorRef?: string | null;
  agent?: string;
  model?: string;
  /** Shown in the chat instead of the prompt (a skill run shows `/name args`). */
  display?: string;
  /** With no chat id: the session whose new tab the task lands in (none → a standalone chat). */
  sessionId?: string | null;
  /** With no chat id: the task whose agent started this one (new_task); recorded on the new tab. */
  startedByTaskId?: string | null;
  /** With no chat id: the title of a chat made for this task. */
  chatTitle?: string;
};

export type StartTaskDeps = {
  db: Db;
  events: ChatEvents;
  settings: AgentSettings;
  /** Where chats' folders are, on which host. */
  places: ChatPlaces;
  registry: RunRegistry;
  /** The opencode runner of a host (one per host, made on first use). */
  runnerOf(host: HostConfig): OpencodeTaskDeps;
  withLock: KeyLock;
  /** The names a task may ask for: opencode and the external agents. */
  agentNames(): string[];
  /** A model asked for by name, checked against the configured ones (null: the default). */
  resolveModel(model: string | undefined): ModelRef | null;
  /** False once the runtime is stopping. */
  accepting(): boolean;
};

const MAX_PROMPT = 100_000;

type ChatRow = ChatDirectoryRow & { agent: string; model: string | null; tasks: Array<{ id: string }> };

/** One read tells the chat, whether it is busy (its last task in line), and where its agent works. */
function readChat(db: Db, chatId: string): Promise<ChatRow | null> {
  return db.chat.findUnique({
    where: { id: chatId },
    select: {
      ...chatDirectorySelect,
      agent: true,
      model: true,
      tasks: { where: { status: { in: ["queued", "running"] } }, select: { id: true }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1 },
    },
  });
}

function checkAgent(deps: StartTaskDeps, agent: string) {
  if (!deps.agentNames().includes(agent)) throw new AppError("BAD_REQUEST", `Unknown agent "${agent}": configured are ${deps.agentNames().join(", ")}`);
}

/**
 * Writes a task and starts its run, returning at once (docs/AGENTS.md, "Message path", step 1).
 * A session-less creator may leave out the chat: it is resolved by (creator, reference) or made now,
 * so the task is shown like any other and ensureSession always has a chat to key on.
 */
export async function startTask(deps: StartTaskDeps, input: StartTaskInput): Promise<{ taskId: string; chatId: string }> {
  if (!deps.accepting()) throw new AppError("SERVICE_UNAVAILABLE", "BooChat's agent runtime is stopping");
  const prompt = input.prompt.trim();
  if (!prompt) throw new AppError("BAD_REQUEST", "The message is empty");
  if (prompt.length > MAX_PROMPT) throw new AppError("BAD_REQUEST", `The message is longer than ${MAX_PROMPT} characters`);
  if (!input.chatId && (input.creator === "tab" || input.creator === "skill")) throw new AppError("BAD_REQUEST", `A ${input.creator} task needs a chat id`);
  if (input.agent) checkAgent(deps, input.agent);
  const chatId =
    input.chatId ??
    (
      await resolveCreatorChat(deps.db, {
        creator: input.creator,
        creatorRef: input.creatorRef,
        sessionId: input.sessionId,
        agent: input.agent ?? "opencode",
        title: input.chatTitle ?? chatTitleFor(input.creator, prompt),
        startedByTaskId: input.startedByTaskId,
      })
    ).id;
  // The busy check and the task's row are one step per chat: two tasks at once cannot both find
  // the chat idle, so the second waits its turn behind the first.
  return deps.withLock(`start:${chatId}`, () => startInChat(deps, input, chatId, prompt));
}

async function startInChat(deps: StartTaskDeps, input: StartTaskInput, chatId: string, prompt: string): Promise<{ taskId: string; chatId: string }> {
  const { db, events } = deps;
  const chat = await readChat(db, chatId);
  if (!chat) throw notFound("Tab", chatId);
  const agent = input.agent ?? chat.agent;
  checkAgent(deps, agent);
  // The run's model: the one asked for, else the tab's own (an arena entry's), else the default.
  const model = deps.resolveModel(input.model ?? chat.model ?? undefined);
  const busyWith = chat.tasks[0]?.id ?? null;
  if (busyWith && (input.creator === "tab" || input.creator === "skill")) {
    throw new AppError("CONFLICT", "This tab is still running a task: wait for it to finish or press Stop");
  }
  const host = hostOfChat(chat, deps.places.hosts);
  const external = deps.settings.externalAgents.find((a) => a.name === agent);
  const runner = deps.runnerOf(host);
  // A script's, an agent's or an MCP client's task waits its turn: same chat, same context.
  const after = busyWith ? (deps.registry.runOf(busyWith) ?? Promise.resolve()) : undefined;

  // opencode's session is made ready while the task is written: neither needs the other.
  const prepared =
    agent === "opencode" && !after ? prepareOpencodeSession(runner, { chatId: chat.id, agent, model, directory: chatDirectoryOf(chat, deps.places) }) : undefined;
  // Its failure belongs to the run, which awaits it; nobody else should be told of it.
  prepared?.catch(() => undefined);
  let task: Task;
  try {
    task = await db.task.create({ data: { chatId: chat.id, sessionId: chat.sessionId, agent, creator: input.creator, prompt, status: "queued" } });
  } catch (error) {
    await prepared?.catch(() => undefined);
    throw error;
  }
  const message: StoredMessage = {
    id: `usr_${task.id}`,
    chatId: chat.id,
    taskId: task.id,
    role: "user",
    parts: [{ id: `usr_${task.id}`, type: "text", text: input.display ?? prompt }],
    createdAt: task.createdAt.toISOString(),
  };
  // Subscribers see the prompt before anything the run brings; the run starts before the write.
  events.publish(chat.id, { type: "message", message });
  events.publish(chat.id, { type: "task", task: toTaskView(task) });
  const saveUserMessage = () => saveMessage(db, { ...message, createdAt: task.createdAt });
  if (external) {
    deps.registry.launchExternal(task.id, (signal) => runExternalAgentTask({ db, events, places: deps.places, hostLossTimeoutMs: deps.settings.hostLossTimeoutMs }, { taskId: task.id, agent: external, signal }), after);
  } else {
    // A task that waited in line reads its row again: it may have been stopped meanwhile.
    const start = () => runOpenCodeServerTask(runner, { id: task.id, ...(after ? {} : { task }), creatorRef: input.creatorRef, model, prepared, afterPromptSent: after ? undefined : saveUserMessage });
    deps.registry.launch(task.id, start, { after, tracker: runner.tracker });
  }
  // An external agent has no prompt to wait for, nor a task waiting in line: its user message is written now.
  if (agent !== "opencode" || after) await saveUserMessage();
  return { taskId: task.id, chatId: chat.id };
}
