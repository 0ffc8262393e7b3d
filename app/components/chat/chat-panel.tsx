"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { DropdownMenu } from "radix-ui";
import { useCallback, useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from "react";
import { applyChatEvent, type ChatView, type TaskView } from "@/server/agents/message-parts";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { MessageList } from "./message-list";

const ACTIVE = new Set(["queued", "running"]);

/** The latest task of the chat as far as we know: from live events, else from the last message. */
function latestTask(view: ChatView, fetched: TaskView | undefined): TaskView | undefined {
  const tasks = Object.values(view.tasks);
  if (fetched && !view.tasks[fetched.id]) tasks.push(fetched);
  return tasks.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/**
 * A tab's chat with its agent: messages streaming in live (chat.events, resumable), a status line
 * and Stop while a task runs, the error in words when one fails, skills, an agent picker, and
 * the message box.
 */
export function ChatPanel({ chatId }: { chatId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useState<ChatView>({ messages: [], tasks: {}, needsReload: false });
  const [text, setText] = useState("");
  const [agent, setAgent] = useState("");
  const [actionError, setActionError] = useState<string | null>(null);

  const messagesKey = trpc.chat.messages.queryKey({ chatId });
  const messages = useQuery(trpc.chat.messages.queryOptions({ chatId }, { retry: false }));
  const agents = useQuery(trpc.coder.agents.queryOptions(undefined, { staleTime: 60_000, retry: false }));
  const skills = useQuery(trpc.skills.list.queryOptions({ chatId }, { staleTime: 30_000, retry: false }));

  // The stored messages are the truth; live events are folded on top until the next load.
  useEffect(() => {
    if (messages.data) setView((current) => ({ ...current, messages: messages.data, needsReload: false }));
  }, [messages.data]);

  const reload = useCallback(() => queryClient.invalidateQueries({ queryKey: messagesKey }), [queryClient, messagesKey]);

  const subscription = useSubscription(
    trpc.chat.events.subscriptionOptions(
      { chatId },
      {
        enabled: messages.isSuccess,
        onData: ({ data }) => {
          setView((current) => applyChatEvent(current, data));
          if (data.type === "reset") void reload();
          if (data.type === "task" && !ACTIVE.has(data.task.status)) void reload();
        },
      },
    ),
  );

  const lastTaskId = useMemo(() => [...view.messages].reverse().find((m) => m.taskId)?.taskId ?? null, [view.messages]);
  const lastTaskQuery = useQuery(trpc.task.get.queryOptions({ id: lastTaskId ?? "" }, { enabled: lastTaskId !== null, retry: false }));
  const task = latestTask(view, lastTaskQuery.data);
  const running = task !== undefined && ACTIVE.has(task.status);

  const send = useMutation(
    trpc.coder.message.mutationOptions({
      onMutate: () => setActionError(null),
      onSuccess: () => setText(""),
      onError: (error) => setActionError(error.message),
    }),
  );
  const stop = useMutation(
    trpc.coder.abort.mutationOptions({
      onSuccess: (stopped) => setView((current) => applyChatEvent(current, { type: "task", task: stopped })),
      onError: (error) => setActionError(error.message),
    }),
  );
  const runSkill = useMutation(
    trpc.skills.run.mutationOptions({
      onMutate: () => setActionError(null),
      onSuccess: () => setText(""),
      onError: (error) => setActionError(error.message),
    }),
  );

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const message = text.trim();
    if (!message || running || send.isPending) return;
    send.mutate({ chatId, text: message, ...(agent ? { agent } : {}) });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  const failure = task?.status === "failed" ? task.error : null;
  const agentName = task?.agent ?? (agent || "opencode");

  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-label="Chat" data-chat-id={chatId}>
      {messages.isError ? (
        <p role="alert" className="m-5 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          The messages could not be loaded: {messages.error.message}
        </p>
      ) : null}

      <MessageList messages={view.messages} />

      <div className="space-y-2 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
        {failure ? (
          <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
            The agent run failed: {failure}
          </p>
        ) : null}
        {actionError ? (
          <p role="alert" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
            {actionError}
          </p>
        ) : null}
        {subscription.status === "error" ? (
          <p role="alert" className="text-xs text-amber-700 dark:text-amber-400">
            Live updates are interrupted ({subscription.error?.message ?? "connection lost"}); reconnecting…
          </p>
        ) : null}

        {running ? (
          <div className="flex items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
            <span role="status" className="flex items-center gap-2">
              <span aria-hidden="true" className="inline-block h-2 w-2 animate-pulse rounded-full bg-indigo-500" />
              {task.status === "queued" ? "Starting" : "Running"} {agentName}…
            </span>
            <Button variant="danger" onClick={() => stop.mutate({ taskId: task.id })} disabled={stop.isPending}>
              Stop
            </Button>
          </div>
        ) : task?.status === "cancelled" ? (
          <p role="status" className="text-sm text-zinc-500">Stopped.</p>
        ) : null}

        <form onSubmit={submit} className="flex items-end gap-2">
          <label className="sr-only" htmlFor={`message-${chatId}`}>
            Message
          </label>
          <textarea
            id={`message-${chatId}`}
            aria-label="Message"
            rows={2}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder={running ? "The agent is working… (Stop to interrupt)" : "Ask the agent… (Enter sends, Shift+Enter for a new line)"}
            className="min-h-[2.5rem] flex-1 resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:bg-zinc-900"
          />
          <div className="flex flex-col gap-2">
            <Button type="submit" variant="primary" disabled={running || send.isPending || text.trim() === ""}>
              Send
            </Button>
          </div>
        </form>

        <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-600 dark:text-zinc-400">
          <label className="flex items-center gap-1">
            Agent
            <select
              aria-label="Agent"
              value={agent}
              onChange={(event) => setAgent(event.target.value)}
              className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
            >
              <option value="">Tab default</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name}
                  {a.kind === "external" ? " (external)" : a.models[0] ? ` (${a.models[0]})` : ""}
                </option>
              ))}
            </select>
          </label>

          <DropdownMenu.Root>
            <DropdownMenu.Trigger asChild>
              <Button variant="ghost" className="px-2 py-0.5 text-xs" disabled={running}>
                Skills ▾
              </Button>
            </DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content
                align="start"
                sideOffset={4}
                className="z-50 max-h-80 min-w-56 overflow-y-auto rounded-md border border-zinc-200 bg-white p-1 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
              >
                {skills.isError ? <DropdownMenu.Label className="px-2 py-1 text-red-600">{skills.error.message}</DropdownMenu.Label> : null}
                {skills.data?.length === 0 ? (
                  <DropdownMenu.Label className="px-2 py-1 text-zinc-500">No skills in this worktree or in BooChat&apos;s skills folder</DropdownMenu.Label>
                ) : null}
                {(skills.data ?? []).map((skill) => (
                  <DropdownMenu.Item
                    key={skill.name}
                    onSelect={() => runSkill.mutate({ chatId, name: skill.name, args: text })}
                    className="cursor-pointer rounded px-2 py-1 outline-none data-[highlighted]:bg-indigo-50 dark:data-[highlighted]:bg-indigo-950"
                  >
                    <span className="font-medium">{skill.name}</span>
                    {skill.description ? <span className="block text-xs text-zinc-500">{skill.description}</span> : null}
                  </DropdownMenu.Item>
                ))}
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
          <span className="text-zinc-400">A skill runs with the text in the message box as its arguments.</span>
        </div>
      </div>
    </section>
  );
}
