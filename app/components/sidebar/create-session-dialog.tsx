"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/client";
import { focusNextMessageBox } from "../chat/message-focus";
import { Button } from "../ui/button";
import { DialogFrame, FieldError, FormError, inputClass } from "../ui/dialog-frame";
import { splitFieldErrors } from "../ui/field-errors";

/** New session: a title, and optionally a repository the session gets its own worktree of. */
export function CreateSessionDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const titleId = useId();
  const repoId = useId();
  const [title, setTitle] = useState("");
  const [repoPath, setRepoPath] = useState("");
  const [created, setCreated] = useState(false);

  const create = useMutation(
    trpc.session.create.mutationOptions({
      onSuccess: async (session) => {
        await queryClient.invalidateQueries({ queryKey: trpc.session.pathKey() });
        setTitle("");
        setRepoPath("");
        // The new session's message box takes the focus, not the New session button.
        setCreated(true);
        focusNextMessageBox();
        onOpenChange(false);
        router.push(`/sessions/${session.id}`);
      },
    }),
  );
  const errors = splitFieldErrors(create.error?.message, ["title", "repoPath"] as const);

  function submit(event: FormEvent) {
    event.preventDefault();
    const repo = repoPath.trim();
    setCreated(false);
    create.mutate({ title, ...(repo ? { repoPath: repo } : {}) });
  }

  return (
    <DialogFrame
      open={open}
      returnFocus={!created}
      onOpenChange={(next) => {
        if (!next) create.reset();
        onOpenChange(next);
      }}
      title="New session"
      description="A session is one line of work. With a repository, it gets its own branch and worktree."
    >
      <form onSubmit={submit} className="space-y-3" noValidate>
        <div>
          <label htmlFor={titleId} className="mb-1 block text-sm font-medium">
            Title
          </label>
          <input
            id={titleId}
            className={inputClass}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={errors.byField.title ? true : undefined}
            aria-describedby={errors.byField.title ? `${titleId}-error` : undefined}
            autoFocus
          />
          <FieldError id={`${titleId}-error`} message={errors.byField.title} />
        </div>
        <div>
          <label htmlFor={repoId} className="mb-1 block text-sm font-medium">
            Repository path (optional)
          </label>
          <input
            id={repoId}
            className={inputClass}
            value={repoPath}
            placeholder="/home/you/src/project"
            onChange={(e) => setRepoPath(e.target.value)}
            aria-invalid={errors.byField.repoPath ? true : undefined}
            aria-describedby={`${repoId}-hint${errors.byField.repoPath ? ` ${repoId}-error` : ""}`}
          />
          <p id={`${repoId}-hint`} className="mt-1 text-xs text-zinc-700 dark:text-zinc-300">
            The absolute path of a git clone on this machine. Leave empty for a chat-only session.
          </p>
          <FieldError id={`${repoId}-error`} message={errors.byField.repoPath} />
        </div>
        <FormError message={errors.rest} />
        <div className="flex justify-end gap-2 pt-1">
          <Dialog.Close asChild>
            <Button>Cancel</Button>
          </Dialog.Close>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create session"}
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}
