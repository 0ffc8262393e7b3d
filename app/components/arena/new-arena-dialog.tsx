"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { DialogFrame, FormError, inputClass } from "../ui/dialog-frame";

type Choice = { value: string; label: string; agent: string; model: string | null };

/**
 * New arena: one prompt, several contestants (opencode with a model, or an external agent), each
 * run in its own tab and worktree branch. Two distinct contestants are picked to start with.
 */
export function NewArenaDialog(props: { sessionId: string; branch: string | null; open: boolean; onOpenChange: (open: boolean) => void; onCreated: (arenaId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const promptId = useId();
  const reasonId = useId();
  const agents = useQuery(trpc.coder.agents.queryOptions(undefined, { staleTime: 60_000, retry: false }));
  const choices: Choice[] = (agents.data ?? []).flatMap((a): Choice[] =>
    a.kind === "external"
      ? [{ value: `${a.name}|`, label: `${a.name} (external)`, agent: a.name, model: null }]
      : a.models.map((m) => ({ value: `${a.name}|${m}`, label: `${a.name} · ${m}`, agent: a.name, model: m })),
  );
  const [prompt, setPrompt] = useState("");
  const [picked, setPicked] = useState<string[] | null>(null);
  // Two different contestants to start with (the same one twice when only one is configured).
  const rows = picked ?? (choices.length >= 2 ? choices.slice(0, 2) : [...choices, ...choices]).map((c) => c.value);

  const create = useMutation(
    trpc.arena.create.mutationOptions({
      onSuccess: async (arena) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId: props.sessionId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.arena.list.queryKey({ sessionId: props.sessionId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.session.get.queryKey({ id: props.sessionId }) }),
          // Each contestant is an entry session of its own, listed under this one in the sidebar.
          queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() }),
        ]);
        setPrompt("");
        setPicked(null);
        props.onOpenChange(false);
        props.onCreated(arena.id);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const contestants = rows.map((value) => {
      const choice = choices.find((c) => c.value === value);
      return choice?.model ? { agent: choice.agent, model: choice.model } : { agent: choice?.agent ?? value.split("|")[0] };
    });
    create.mutate({ sessionId: props.sessionId, prompt, agents: contestants });
  }

  const setRow = (index: number, value: string) => setPicked(rows.map((v, i) => (i === index ? value : v)));
  // A disabled button says nothing by itself: the reason is written under it.
  const blockedBecause =
    choices.length === 0
      ? agents.isPending
        ? "Loading the agents…"
        : "No agent or model is configured, so there is nothing to compare (see docs/AGENTS.md)."
      : prompt.trim() === ""
        ? "Write the arena prompt to start."
        : rows.length < 2
          ? "Add a second contestant to start."
          : null;

  return (
    <DialogFrame
      open={props.open}
      onOpenChange={(next) => {
        if (!next) create.reset();
        props.onOpenChange(next);
      }}
      title="New arena"
      description={
        <>
          The same prompt for several agents or models, side by side. Each works in its own branch made from this session&apos;s branch
          {props.branch ? <span className="font-mono"> {props.branch}</span> : null}, so none can overwrite another.{" "}
          <strong className="font-semibold text-amber-900 dark:text-amber-200">
            The entries start from the session&apos;s last commit, without its uncommitted work: commit first if they should see it.
          </strong>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-3">
        <div>
          <label htmlFor={promptId} className="mb-1 block text-sm font-medium">
            Arena prompt
          </label>
          <textarea id={promptId} rows={4} className={inputClass} value={prompt} onChange={(e) => setPrompt(e.target.value)} autoFocus />
        </div>
        <fieldset className="space-y-2">
          <legend className="mb-1 text-sm font-medium">Contestants</legend>
          {agents.isError ? <FormError message={`The agents could not be loaded: ${agents.error.message}`} /> : null}
          {rows.map((value, index) => (
            <div key={index} className="flex items-center gap-2">
              <select
                aria-label={`Contestant ${index + 1}`}
                className={inputClass}
                value={value}
                onChange={(e) => setRow(index, e.target.value)}
              >
                {choices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
              <Button
                variant="ghost"
                className="h-8 w-8 shrink-0 p-0"
                aria-label={`Remove contestant ${index + 1}`}
                disabled={rows.length <= 2}
                onClick={() => setPicked(rows.filter((_, i) => i !== index))}
              >
                ✕
              </Button>
            </div>
          ))}
          <Button variant="ghost" disabled={rows.length >= 6 || choices.length === 0} onClick={() => setPicked([...rows, choices[0]?.value ?? ""])}>
            + Add contestant
          </Button>
        </fieldset>
        <FormError message={create.error?.message ?? null} />
        <div className="flex justify-end gap-2">
          <Dialog.Close asChild>
            <Button>Cancel</Button>
          </Dialog.Close>
          <Button type="submit" variant="primary" disabled={create.isPending || blockedBecause !== null} aria-describedby={blockedBecause ? reasonId : undefined}>
            {create.isPending ? "Starting…" : "Start arena"}
          </Button>
        </div>
        {blockedBecause ? (
          <p id={reasonId} className="text-right text-xs text-zinc-700 dark:text-zinc-300">
            {blockedBecause}
          </p>
        ) : null}
      </form>
    </DialogFrame>
  );
}
