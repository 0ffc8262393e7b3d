"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState, type FormEvent } from "react";
import type { AppRouter } from "@/server/trpc/routers/_app";
import { useTRPC } from "@/trpc/client";

type ConfiguredAgent = inferRouterOutputs<AppRouter>["coder"]["agents"][number];

/** One option of a contestant's select: its value is "agent|model" ("agent|" for an external agent). */
export type ContestantChoice = { value: string; label: string; agent: string; model: string | null };

/** An external agent is one contestant; opencode is one contestant per model it is configured with. */
function contestantChoices(agents: ConfiguredAgent[]): ContestantChoice[] {
  return agents.flatMap((a): ContestantChoice[] =>
    a.kind === "external"
      ? [{ value: `${a.name}|`, label: `${a.name} (external)`, agent: a.name, model: null }]
      : a.models.map((m) => ({ value: `${a.name}|${m}`, label: `${a.name} · ${m}`, agent: a.name, model: m })),
  );
}

/** A disabled button says nothing by itself: this is the reason written under it (null when it can start). */
function startBlockedReason(form: { choiceCount: number; agentsLoading: boolean; prompt: string; rowCount: number }): string | null {
  if (form.choiceCount === 0) {
    return form.agentsLoading ? "Loading the agents…" : "No agent or model is configured, so there is nothing to compare (see docs/AGENTS.md).";
  }
  if (form.prompt.trim() === "") return "Write the arena prompt to start.";
  if (form.rowCount < 2) return "Add a second contestant to start.";
  return null;
}

/**
 * Starts an arena and refreshes what it changes, apart from the form, so the form's state stays in
 * one place. `onStarted` runs once the lists are fresh, so the new tabs are there when it opens them.
 */
function useCreateArena(sessionId: string, onStarted: (arenaId: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.arena.create.mutationOptions({
      onSuccess: async (arena) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.chat.list.queryKey({ sessionId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.arena.list.queryKey({ sessionId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.session.get.queryKey({ id: sessionId }) }),
          // Each contestant is an entry session of its own, listed under this one in the sidebar.
          queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() }),
        ]);
        onStarted(arena.id);
      },
    }),
  );
}

/**
 * The new-arena form's state and submit, kept out of the markup so the dialog only lays it out:
 * the prompt, the contestant rows (the user's picks, or a default until they pick), and why Start
 * is disabled.
 */
export function useNewArenaForm(props: { sessionId: string; onOpenChange: (open: boolean) => void; onCreated: (arenaId: string) => void }) {
  const trpc = useTRPC();
  const agents = useQuery(trpc.coder.agents.queryOptions(undefined, { staleTime: 60_000, retry: false }));
  const choices = contestantChoices(agents.data ?? []);
  const [prompt, setPrompt] = useState("");
  const [picked, setPicked] = useState<string[] | null>(null);
  // Two different contestants to start with (the same one twice when only one is configured).
  const rows = picked ?? (choices.length >= 2 ? choices.slice(0, 2) : [...choices, ...choices]).map((c) => c.value);

  const create = useCreateArena(props.sessionId, (arenaId) => {
    setPrompt("");
    setPicked(null);
    props.onOpenChange(false);
    props.onCreated(arenaId);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const contestants = rows.map((value) => {
      const choice = choices.find((c) => c.value === value);
      return choice?.model ? { agent: choice.agent, model: choice.model } : { agent: choice?.agent ?? value.split("|")[0] };
    });
    create.mutate({ sessionId: props.sessionId, prompt, agents: contestants });
  }

  return {
    agents,
    choices,
    prompt,
    setPrompt,
    rows,
    setRow: (index: number, value: string) => setPicked(rows.map((v, i) => (i === index ? value : v))),
    removeRow: (index: number) => setPicked(rows.filter((_, i) => i !== index)),
    addRow: () => setPicked([...rows, choices[0]?.value ?? ""]),
    create,
    submit,
    blockedBecause: startBlockedReason({ choiceCount: choices.length, agentsLoading: agents.isPending, prompt, rowCount: rows.length }),
  };
}
