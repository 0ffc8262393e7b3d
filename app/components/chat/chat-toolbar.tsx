"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { DropdownMenu } from "radix-ui";
import { useId } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";

/** Under the message box: the tab's agent (kept per tab by the caller) and the Skills menu. */
export function ChatToolbar(props: {
  chatId: string;
  agent: string;
  onAgentChange: (agent: string) => void;
  running: boolean;
  args: string;
  onSkillStarted: () => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const hintId = useId();
  const agents = useQuery(trpc.coder.agents.queryOptions(undefined, { staleTime: 60_000, retry: false }));
  const skills = useQuery(trpc.skills.list.queryOptions({ chatId: props.chatId }, { staleTime: 30_000, retry: false }));
  const runSkill = useMutation(trpc.skills.run.mutationOptions({ onSuccess: props.onSkillStarted, onError: (error) => props.onError(error.message) }));

  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300">
      <label className="flex items-center gap-1">
        Agent
        <select
          aria-label="Agent"
          value={props.agent}
          onChange={(event) => props.onAgentChange(event.target.value)}
          className="min-h-7 rounded border border-zinc-400 bg-white px-1 py-0.5 dark:border-zinc-600 dark:bg-zinc-900"
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

      {/* Not modal: a modal menu hides the page from screen readers while its buttons stay focusable. */}
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger asChild>
          <Button variant="ghost" className="min-h-7 px-2 py-0.5 text-xs" disabled={props.running} aria-describedby={hintId}>
            Skills ▾
          </Button>
        </DropdownMenu.Trigger>
        {/* Not portalled: the menu stays inside the page's landmarks. */}
        <DropdownMenu.Content
          align="start"
          sideOffset={4}
          className="z-50 max-h-80 max-w-[calc(100vw-1rem)] min-w-56 overflow-y-auto rounded-md border border-zinc-200 bg-white p-1 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          {/* A menu holds menu items only: "nothing to run" is a disabled item, not a label. */}
          {skills.isError ? (
            <DropdownMenu.Item disabled className="px-2 py-1 text-red-700 dark:text-red-300">
              {skills.error.message}
            </DropdownMenu.Item>
          ) : null}
          {skills.data?.length === 0 ? (
            <DropdownMenu.Item disabled className="px-2 py-1 text-zinc-700 dark:text-zinc-300">
              No skills in this worktree or in BooChat&apos;s skills folder
            </DropdownMenu.Item>
          ) : null}
          {skills.isPending ? (
            <DropdownMenu.Item disabled className="px-2 py-1 text-zinc-700 dark:text-zinc-300">
              Loading skills…
            </DropdownMenu.Item>
          ) : null}
          {(skills.data ?? []).map((skill) => (
            <DropdownMenu.Item
              key={skill.name}
              onSelect={() => runSkill.mutate({ chatId: props.chatId, name: skill.name, args: props.args })}
              className="cursor-pointer rounded px-2 py-1 outline-none data-[highlighted]:bg-indigo-50 dark:data-[highlighted]:bg-indigo-950"
            >
              <span className="font-medium">{skill.name}</span>
              {skill.description ? <span className="block text-xs text-zinc-700 dark:text-zinc-300">{skill.description}</span> : null}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Root>
      <span id={hintId}>A skill runs with the text in the message box as its arguments.</span>
    </div>
  );
}
