"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { applyChatEvent, type ChatView } from "./chat-view-reducer";
import type { ChatEvent, TaskView } from "@/server/schemas/chat-event";
import { useTRPC } from "@/trpc/client";
import { useActivity } from "../activity/activity-provider";
import { useChatStreamHub, useHubEvents } from "./chat-stream-hub";
import { ChatToolbar } from "./chat-toolbar";
import { MessageBox, type SendOutcome } from "./message-box";
import { MessageList } from "./message-list";
import { RunStatus } from "./run-status";
import { useStoredState } from "./use-stored-state";

const ACTIVE = new Set(["queued", "running"]);

/** The latest task of the chat as far as we know: from live events, else from the last message. */
function latestTask(view: ChatView, fetched: TaskView | undefined): TaskView | undefined {
  const tasks = Object.values(view.tasks);
  if (fetched && !view.tasks[fetched.id]) tasks.push(fetched);
  return tasks.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/** A task just accepted by coder.message, shown as queued until its own events arrive. */
const acceptedTask = (id: string, chatId: string, agent: string): TaskView => ({
  id, chatId, agent, creator: "tab", status: "queued", error: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null,
});

/**
 * coder.message's refusal while the tab still runs: CONFLICT. Its words are checked too, because
 * the server has been seen answering it as a 500 with the same message (reported to the lead).
 */
function isBusyRefusal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const code = (error.data as { code?: string } | undefined)?.code;
  return code === "CONFLICT" || /still running a task/i.test(error.message);
}

const alertClass = "rounded border px-3 py-2 text-sm";

/**
 * A tab's chat with its agent: messages streaming in live (chat.events, resumable), a status line
 * and Stop while a task runs, the error in words when one fails, skills, the agent picker (kept
 * per tab), and the message box (draft and queue kept per tab).
 */
export function ChatPanel({ chatId, label = "Chat" }: { chatId: string; label?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useState<ChatView>({ messages: [], tasks: {}, needsReload: false });
  const [text, setText] = useStoredState(`boochat:draft:${chatId}`, "");
  const [agent, setAgent] = useStoredState(`boochat:agent:${chatId}`, "");
  const [actionError, setActionError] = useState<string | null>(null);

  const messagesKey = trpc.chat.messages.queryKey({ chatId });
  const messages = useQuery(trpc.chat.messages.queryOptions({ chatId }, { retry: false }));

  // The stored messages are the truth; live events are folded on top until the next load.
  useEffect(() => {
    if (messages.data) setView((current) => ({ ...current, messages: messages.data, needsReload: false }));
  }, [messages.data]);

  const reload = useCallback(() => queryClient.invalidateQueries({ queryKey: messagesKey }), [queryClient, messagesKey]);

  const onEvent = (data: ChatEvent) => {
    setView((current) => applyChatEvent(current, data));
    if (data.type === "reset") void reload();
    if (data.type === "task" && !ACTIVE.has(data.task.status)) void reload();
  };
  // Shown with others (the arena), the chat hears its events through their one shared stream.
  const hub = useChatStreamHub(chatId);
  useHubEvents(hub, chatId, messages.isSuccess, onEvent);
  const subscription = useSubscription(
    trpc.chat.events.subscriptionOptions({ chatId }, { enabled: messages.isSuccess && hub === null, onData: ({ data }) => onEvent(data) }),
  );
  const streamError = hub ? hub.error : subscription.status === "error" ? (subscription.error?.message ?? "connection lost") : null;

  // Until the stored messages are folded into the view, read them directly: a queued message
  // must not see "no task yet" on the first render and go out while the agent still runs.
  const known = view.messages.length > 0 ? view.messages : (messages.data ?? []);
  const lastTaskId = useMemo(() => [...known].reverse().find((m) => m.taskId)?.taskId ?? null, [known]);
  const lastTaskQuery = useQuery(trpc.task.get.queryOptions({ id: lastTaskId ?? "" }, { enabled: lastTaskId !== null, retry: false }));
  const task = latestTask(view, lastTaskQuery.data);
  const running = task !== undefined && ACTIVE.has(task.status);
  const ready = messages.isSuccess && (lastTaskId === null || !lastTaskQuery.isPending);

  // This tab hears of its task's start and end first: the running marks follow at once.
  const { noteChat } = useActivity();
  const activeStatus = task && ACTIVE.has(task.status) ? (task.status as "queued" | "running") : null;
  useEffect(() => {
    if (ready) noteChat(chatId, null, activeStatus);
  }, [ready, chatId, activeStatus, noteChat]);

  const send = useMutation(trpc.coder.message.mutationOptions({ onMutate: () => setActionError(null) }));
  const stop = useMutation(
    trpc.coder.abort.mutationOptions({
      onSuccess: (stopped) => setView((current) => applyChatEvent(current, { type: "task", task: stopped })),
      onError: (error) => setActionError(error.message),
    }),
  );

  /** Sends one message; "busy" when the tab was still running on the server, "failed" (reason shown) otherwise. */
  const sendMessage = async (message: string): Promise<SendOutcome> => {
    try {
      const { taskId } = await send.mutateAsync({ chatId, text: message, ...(agent ? { agent } : {}) });
      setView((current) => (current.tasks[taskId] ? current : applyChatEvent(current, { type: "task", task: acceptedTask(taskId, chatId, agent || "opencode") })));
      return "sent";
    } catch (error) {
      if (isBusyRefusal(error)) return "busy";
      setActionError(error instanceof Error ? error.message : String(error));
      return "failed";
    }
  };

  const failure = task?.status === "failed" ? task.error : null;
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-label={label} data-chat-id={chatId}>
      {messages.isError ? (
        <p role="alert" className={`m-5 ${alertClass} border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200`}>
          The messages could not be loaded: {messages.error.message}
        </p>
      ) : null}

      <MessageList messages={view.messages} />

      <div className="space-y-2 border-t border-zinc-200 px-3 py-3 md:px-5 dark:border-zinc-800">
        {failure ? (
          <p role="alert" className={`${alertClass} border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200`}>
            The agent run failed: {failure}
          </p>
        ) : null}
        {actionError ? (
          <p role="alert" className={`${alertClass} border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200`}>
            {actionError}
          </p>
        ) : null}
        {streamError ? (
          <p role="alert" className="text-xs text-amber-800 dark:text-amber-300">
            Live updates are interrupted ({streamError}); reconnecting…
          </p>
        ) : null}

        <RunStatus task={task} running={running} agentName={task?.agent ?? (agent || "opencode")} stopping={stop.isPending} onStop={(taskId) => stop.mutate({ taskId })} />
        <MessageBox chatId={chatId} text={text} onTextChange={setText} running={running} ready={ready} sending={send.isPending} onSend={sendMessage} />
        <ChatToolbar
          chatId={chatId}
          agent={agent}
          onAgentChange={setAgent}
          running={running}
          args={text}
          onSkillStarted={() => {
            setActionError(null);
            setText("");
          }}
          onError={setActionError}
        />
      </div>
    </section>
  );
}
