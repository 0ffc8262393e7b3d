"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Dialog } from "radix-ui";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/client";
import { Button } from "../ui/button";
import { DialogFrame, FormError, inputClass } from "../ui/dialog-frame";

/** New session: a title, and optionally a repository the session gets its own worktree of. */
export function CreateSessionDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const titleId = useId();
  const repoId = useId();
  const [title, setTitle] = useState("");
  const [repoPath, setRepoPath] = useState("");

  const create = useMutation(
    trpc.session.create.mutationOptions({
      onSuccess: async (session) => {
        await queryClient.invalidateQueries({ queryKey: trpc.session.list.queryKey() });
        setTitle("");
        setRepoPath("");
        onOpenChange(false);
        router.push(`/sessions/${session.id}`);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const repo = repoPath.trim();
    create.mutate({ title, ...(repo ? { repoPath: repo } : {}) });
  }

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        if (!next) create.reset();
        onOpenChange(next);
      }}
      title="New session"
      description="A session is one line of work. With a repository, it gets its own branch and worktree."
    >
      <form onSubmit={submit} className="space-y-3">
        <div>
          <label htmlFor={titleId} className="mb-1 block text-sm font-medium">
            Title
          </label>
          <input id={titleId} className={inputClass} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
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
          />
          <p className="mt-1 text-xs text-zinc-500">Leave empty for a chat-only session.</p>
        </div>
        <FormError message={create.error?.message ?? null} />
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
