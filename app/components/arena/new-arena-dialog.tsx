"use client";

import { Dialog } from "radix-ui";
import { useId } from "react";
import { Button } from "../ui/button";
import { DialogFrame, FormError, inputClass } from "../ui/dialog-frame";
import { useNewArenaForm, type ContestantChoice } from "./use-new-arena-form";

/**
 * New arena: one prompt, several contestants (opencode with a model, or an external agent), each
 * run in its own tab and worktree branch. Two distinct contestants are picked to start with.
 */
export function NewArenaDialog(props: { sessionId: string; branch: string | null; open: boolean; onOpenChange: (open: boolean) => void; onCreated: (arenaId: string) => void }) {
  const promptId = useId();
  const form = useNewArenaForm(props);
  return (
    <DialogFrame
      open={props.open}
      onOpenChange={(next) => {
        // A closed dialog forgets a failed start, so it opens again without the old error.
        if (!next) form.create.reset();
        props.onOpenChange(next);
      }}
      title="New arena"
      description={<NewArenaDescription branch={props.branch} />}
    >
      <form onSubmit={form.submit} className="space-y-3">
        <div>
          <label htmlFor={promptId} className="mb-1 block text-sm font-medium">
            Arena prompt
          </label>
          <textarea id={promptId} rows={4} className={inputClass} value={form.prompt} onChange={(e) => form.setPrompt(e.target.value)} autoFocus />
        </div>
        <ContestantList
          rows={form.rows}
          choices={form.choices}
          loadError={form.agents.isError ? form.agents.error.message : null}
          onChange={form.setRow}
          onRemove={form.removeRow}
          onAdd={form.addRow}
        />
        <NewArenaFooter error={form.create.error?.message ?? null} starting={form.create.isPending} blockedBecause={form.blockedBecause} />
      </form>
    </DialogFrame>
  );
}

/** Its own piece because the warning matters: entries start from the last commit, not the working tree. */
function NewArenaDescription({ branch }: { branch: string | null }) {
  return (
    <>
      The same prompt for several agents or models, side by side. Each works in its own branch made from this session&apos;s branch
      {branch ? <span className="font-mono"> {branch}</span> : null}, so none can overwrite another.{" "}
      <strong className="font-semibold text-amber-900 dark:text-amber-200">
        The entries start from the session&apos;s last commit, without its uncommitted work: commit first if they should see it.
      </strong>
    </>
  );
}

/** The contestants as one group, so the rows and the Add button are read together under its legend. */
function ContestantList(props: {
  rows: string[];
  choices: ContestantChoice[];
  loadError: string | null;
  onChange: (index: number, value: string) => void;
  onRemove: (index: number) => void;
  onAdd: () => void;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1 text-sm font-medium">Contestants</legend>
      {props.loadError !== null ? <FormError message={`The agents could not be loaded: ${props.loadError}`} /> : null}
      {props.rows.map((value, index) => (
        <ContestantRow
          key={index}
          index={index}
          value={value}
          choices={props.choices}
          removable={props.rows.length > 2}
          onChange={(next) => props.onChange(index, next)}
          onRemove={() => props.onRemove(index)}
        />
      ))}
      <Button variant="ghost" disabled={props.rows.length >= 6 || props.choices.length === 0} onClick={props.onAdd}>
        + Add contestant
      </Button>
    </fieldset>
  );
}

/** One contestant: its select and its Remove button are named by its number, which is how tests and scripts find them. */
function ContestantRow(props: {
  index: number;
  value: string;
  choices: ContestantChoice[];
  removable: boolean;
  onChange: (value: string) => void;
  onRemove: () => void;
}) {
  return (
    <div className="flex items-center gap-2">
      <select aria-label={`Contestant ${props.index + 1}`} className={inputClass} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <Button variant="ghost" className="h-8 w-8 shrink-0 p-0" aria-label={`Remove contestant ${props.index + 1}`} disabled={!props.removable} onClick={props.onRemove}>
        ✕
      </Button>
    </div>
  );
}

/** The start error, Cancel / Start, and, while Start is disabled, the reason it is, which Start points at. */
function NewArenaFooter(props: { error: string | null; starting: boolean; blockedBecause: string | null }) {
  const reasonId = useId();
  return (
    <>
      <FormError message={props.error} />
      <div className="flex justify-end gap-2">
        <Dialog.Close asChild>
          <Button>Cancel</Button>
        </Dialog.Close>
        <Button type="submit" variant="primary" disabled={props.starting || props.blockedBecause !== null} aria-describedby={props.blockedBecause ? reasonId : undefined}>
          {props.starting ? "Starting…" : "Start arena"}
        </Button>
      </div>
      {props.blockedBecause ? (
        <p id={reasonId} className="text-right text-xs text-zinc-700 dark:text-zinc-300">
          {props.blockedBecause}
        </p>
      ) : null}
    </>
  );
}
