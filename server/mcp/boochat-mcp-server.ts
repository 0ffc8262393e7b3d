import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { createAppContext } from "../context";
import { AppError } from "../errors";
import { idSchema } from "../schemas/ids";
import { createCaller } from "../trpc/routers/_app";
import { runTool } from "./tool-result";

export type ApiCaller = ReturnType<typeof createCaller>;

/** What the tools remember of one MCP conversation. */
export type McpConversationState = {
  /** The chat this conversation's last `new_task` went to: `list_tasks` without filters lists it. */
  lastChatId: string | null;
};

export type McpServerDeps = {
  /** The app's API, called in-process: the same validation and errors as over HTTP. */
  caller?: () => ApiCaller | Promise<ApiCaller>;
  state?: McpConversationState;
};

const optionalId = idSchema.optional();

/**
 * BooChat's MCP server for one conversation (one `Mcp-Session-Id`): four tools over the tRPC API.
 * The conversation's id is the `ref` of the tasks it starts, so its follow-ups share one chat.
 */
export function createBooChatMcpServer(deps: McpServerDeps = {}): McpServer {
  const caller = deps.caller ?? (() => createCaller(createAppContext()));
  const state = deps.state ?? { lastChatId: null };
  const server = new McpServer(
    { name: "boochat", version: "0.1.0" },
    {
      instructions:
        "BooChat runs coding agents against git worktrees. list_sessions shows the sessions; new_task starts an agent run " +
        "(in a session's tab, or in a chat of its own) and returns at once; poll get_task until its status is succeeded, failed or cancelled.",
    },
  );

  server.registerTool(
    "list_sessions",
    {
      title: "List BooChat sessions",
      description: "Every BooChat session, newest first: its id (use it as sessionId in new_task), title, worktree branch (null for a chat-only session) and creation time.",
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(async () => {
        const sessions = await (await caller()).session.list();
        return { sessions: sessions.map((s) => ({ id: s.id, title: s.title, branch: s.worktree?.branch ?? null, createdAt: s.createdAt })) };
      }),
  );

  server.registerTool(
    "new_task",
    {
      title: "Start a BooChat task",
      description:
        "Starts an agent run on a prompt and returns at once with taskId, chatId and sessionId; poll get_task for its outcome. " +
        "With sessionId the task runs in a tab of that session (in its worktree); tasks of one MCP conversation share that tab. " +
        "Without sessionId it runs in a chat of its own. An agent running inside BooChat passes fromTaskId (its own task id, " +
        "given in its instructions) to start a follow-up in a new tab of its session.",
      inputSchema: z.object({
        prompt: z.string().min(1, "must not be empty").describe("What the agent should do"),
        sessionId: optionalId.describe("A BooChat session id (list_sessions); leave it out with fromTaskId, whose session is used"),
        agent: z.string().min(1).optional().describe("The agent to run: opencode (default) or a configured external agent"),
        model: z.string().min(1).optional().describe('The model as "provider/model"; default: BooChat\'s configured model'),
        fromTaskId: optionalId.describe("The task whose agent starts this follow-up (set by agents running inside BooChat)"),
      }),
    },
    ({ prompt, sessionId, agent, model, fromTaskId }, extra) =>
      runTool(async () => {
        const api = await caller();
        const created = await api.task.create({
          prompt,
          ...(fromTaskId ? { creator: "new_task" as const, fromTaskId } : { creator: "mcp" as const, ...(extra.sessionId ? { ref: extra.sessionId } : {}) }),
          ...(sessionId ? { sessionId } : {}),
          ...(agent ? { agent } : {}),
          ...(model ? { model } : {}),
        });
        if (!fromTaskId) state.lastChatId = created.chatId;
        return { taskId: created.taskId, chatId: created.chatId, sessionId: created.sessionId };
      }),
  );

  server.registerTool(
    "get_task",
    {
      title: "Get a BooChat task",
      description: "A task's status (queued, running, succeeded, failed, cancelled), its error in words when it failed, and its output: the agent's answer so far.",
      inputSchema: z.object({ taskId: idSchema.describe("The id new_task returned") }),
      annotations: { readOnlyHint: true },
    },
    ({ taskId }) => runTool(async () => taskSummary(await (await caller()).task.get({ id: taskId }))),
  );

  server.registerTool(
    "list_tasks",
    {
      title: "List BooChat tasks",
      description:
        "Tasks newest first, of a session (sessionId) or of one tab (chatId). With neither, the tasks of the chat this MCP conversation's new_task calls went to.",
      inputSchema: z.object({
        sessionId: optionalId.describe("List the tasks of this session"),
        chatId: optionalId.describe("List the tasks of this tab/chat"),
      }),
      annotations: { readOnlyHint: true },
    },
    ({ sessionId, chatId }) =>
      runTool(async () => {
        const api = await caller();
        const filter = chatId ? { chatId } : sessionId ? { sessionId } : state.lastChatId ? { chatId: state.lastChatId } : null;
        if (!filter) throw new AppError("BAD_REQUEST", "Give sessionId or chatId: this conversation has not started a task yet");
        const tasks = await api.task.list(filter);
        return { tasks: tasks.map(taskSummary) };
      }),
  );

  return server;
}

type TaskFromApi = Awaited<ReturnType<ApiCaller["task"]["get"]>>;

/** What an MCP client needs of a task (the API's view without the prompt echoed back). */
function taskSummary(task: TaskFromApi) {
  return {
    taskId: task.id,
    chatId: task.chatId,
    sessionId: task.sessionId,
    agent: task.agent,
    creator: task.creator,
    status: task.status,
    error: task.error,
    output: task.output,
    createdAt: task.createdAt,
    finishedAt: task.finishedAt,
  };
}
