import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/trpc/routers/_app";
import { e2eApiToken, expect, test } from "./fixtures";
import { DELEGATE_MARKER, DELEGATED_REPLY, STREAM_MARKER, STREAMED_CHUNKS } from "./support/scripted-model-script";

// BooChat as an MCP server (streamable HTTP at /api/mcp), driven by the SDK's own Client against
// the built app, its real opencode and the scripted model.

type Json = Record<string, unknown>;
type TaskSummary = { taskId: string; chatId: string | null; sessionId: string | null; creator: string; status: string; error: string | null; output: string | null };

const TERMINAL = ["succeeded", "failed", "cancelled"];

/** What every client of BooChat sends: its API token (MCP clients put it in their config's headers). */
const auth = () => ({ authorization: `Bearer ${e2eApiToken()}` });

function api(baseURL: string) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${baseURL}/api/trpc`, transformer: superjson, headers: auth })] });
}

async function connect(baseURL: string) {
  const client = new Client({ name: "boochat-e2e", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL("/api/mcp", baseURL), { requestInit: { headers: auth() } });
  await client.connect(transport);
  return {
    client,
    sessionId: transport.sessionId,
    async close() {
      await transport.terminateSession();
      await client.close();
    },
  };
}

/** Calls a tool; resolves with its JSON answer, or rejects with the tool error's text. */
async function call(client: Client, name: string, args: Json = {}): Promise<Json> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string }>;
  const text = content.map((c) => c.text ?? "").join("");
  if (result.isError) throw new Error(text);
  return JSON.parse(text) as Json;
}

async function toolError(client: Client, name: string, args: Json): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  return (result.content as Array<{ text?: string }>).map((c) => c.text ?? "").join("");
}

async function waitForTask(client: Client, taskId: string, timeoutMs = 90_000): Promise<TaskSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = (await call(client, "get_task", { taskId })) as TaskSummary;
    if (TERMINAL.includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is still ${task.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("an MCP client lists the tools, starts tasks that run to the scripted reply, one chat per conversation", async ({ baseURL }) => {
  test.setTimeout(180_000);
  const origin = baseURL ?? "";
  const session = await api(origin).session.create.mutate({ title: "MCP tasks" });
  const first = await connect(origin);
  const second = await connect(origin);
  try {
    const { tools } = await first.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_task", "list_sessions", "list_tasks", "new_task"]);
    expect(tools.find((t) => t.name === "new_task")?.inputSchema.properties).toHaveProperty("fromTaskId");

    const { sessions } = (await call(first.client, "list_sessions")) as { sessions: Array<{ id: string; title: string }> };
    expect(sessions).toContainEqual(expect.objectContaining({ id: session.id, title: "MCP tasks" }));

    const started = await call(first.client, "new_task", { prompt: `${STREAM_MARKER}: hello over MCP`, sessionId: session.id });
    expect(started).toEqual({ taskId: expect.any(String), chatId: expect.any(String), sessionId: session.id });
    const done = await waitForTask(first.client, String(started.taskId));
    expect(done).toMatchObject({ status: "succeeded", error: null, output: STREAMED_CHUNKS.join(""), creator: "mcp" });

    // A follow-up in the same conversation lands in the same chat: a tab of the session.
    const followUp = await call(first.client, "new_task", { prompt: "and once more", sessionId: session.id });
    expect(followUp.chatId).toBe(started.chatId);
    expect((await waitForTask(first.client, String(followUp.taskId))).status).toBe("succeeded");
    const { tasks } = (await call(first.client, "list_tasks")) as { tasks: TaskSummary[] };
    expect(tasks.map((t) => t.taskId).sort()).toEqual([started.taskId, followUp.taskId].sort());
    const tabs = await api(origin).chat.list.query({ sessionId: session.id });
    expect(tabs.map((t) => t.id)).toContain(started.chatId);

    // Another conversation gets a chat of its own.
    const other = await call(second.client, "new_task", { prompt: "from another client", sessionId: session.id });
    expect(other.chatId).not.toBe(started.chatId);
    expect((await waitForTask(second.client, String(other.taskId))).status).toBe("succeeded");
    expect(first.sessionId).toBeTruthy();
    expect(first.sessionId).not.toBe(second.sessionId);
  } finally {
    await first.close();
    await second.close();
  }
});

test("bad input is a tool error naming the problem, and the conversation goes on", async ({ baseURL }) => {
  const conversation = await connect(baseURL ?? "");
  try {
    expect(await toolError(conversation.client, "new_task", { prompt: "hello", sessionId: "no-such-session" })).toContain("Session no-such-session does not exist");
    expect(await toolError(conversation.client, "get_task", { taskId: "no-such-task" })).toContain("no-such-task");
    expect(await toolError(conversation.client, "new_task", { prompt: "" })).toMatch(/prompt/);
    expect(await toolError(conversation.client, "list_tasks", {})).toMatch(/sessionId or chatId/);
    const { sessions } = await call(conversation.client, "list_sessions");
    expect(Array.isArray(sessions)).toBe(true);
  } finally {
    await conversation.close();
  }
});

test("an agent inside a run starts a follow-up with new_task: a new tab of the session that shows who started it", async ({ baseURL, page }) => {
  test.setTimeout(180_000);
  const origin = baseURL ?? "";
  const trpc = api(origin);
  const session = await trpc.session.create.mutate({ title: "Delegation" });
  const [tab] = await trpc.chat.list.query({ sessionId: session.id });
  if (!tab) throw new Error("a new session has a first tab");

  const { taskId } = await trpc.coder.message.mutate({ chatId: tab.id, text: `${DELEGATE_MARKER}write the release notes` });
  await expect.poll(async () => (await trpc.task.get.query({ id: taskId })).status, { timeout: 90_000 }).toBe("succeeded");
  expect((await trpc.task.get.query({ id: taskId })).output).toContain(DELEGATED_REPLY);

  // The follow-up is a new tab of the same session, started by that task, and it completes.
  const tabs = await trpc.chat.list.query({ sessionId: session.id });
  expect(tabs).toHaveLength(2);
  const followUpTab = tabs.find((t) => t.id !== tab.id);
  if (!followUpTab) throw new Error("no follow-up tab");
  expect(followUpTab.startedByTaskId).toBe(taskId);
  await expect
    .poll(async () => (await trpc.task.list.query({ chatId: followUpTab.id })).map((t) => `${t.creator}:${t.status}`), { timeout: 90_000 })
    .toEqual(["new_task:succeeded"]);
  const [followUp] = await trpc.task.list.query({ chatId: followUpTab.id });
  expect(followUp?.prompt).toBe("write the release notes");

  // In the browser, the new tab says who started it and leads back to that tab.
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByRole("tab")).toContainText([tab.title, followUpTab.title]);
  await page.getByRole("tab", { name: followUpTab.title }).click();
  await expect(page.getByRole("log", { name: "Messages" }).getByText("write the release notes")).toBeVisible();
  await expect(page.getByText(`Started by the agent in “${tab.title}”`)).toBeVisible();
  await page.getByRole("button", { name: "open that tab" }).click();
  await expect(page.getByRole("tab", { name: tab.title, exact: true })).toHaveAttribute("aria-selected", "true");
});
