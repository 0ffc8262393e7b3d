"use client";

import { ConfirmDialog } from "../ui/confirm-dialog";

/** The session a delete is about, as the sidebar knows it. */
export type SessionRef = {
  id: string;
  title: string;
  worktree: { path: string; branch: string | null } | null;
  entryCount: number;
  /** Its arena entries' worktrees, so a refusal's reports link to each entry's changes. */
  entryWorktrees?: Array<{ sessionId: string; path: string }>;
};

/** Worktree path → the session it belongs to: the session's own and its entries'. */
export function worktreeSessionsOf(session: SessionRef): Record<string, string> {
  const map: Record<string, string> = {};
  if (session.worktree) map[session.worktree.path] = session.id;
  for (const entry of session.entryWorktrees ?? []) map[entry.path] = entry.sessionId;
  return map;
}

const mono = "font-mono break-all";

/** Asked before session.delete is called at all: what goes, and what the check keeps. */
export function ConfirmDeleteSession(props: { session: SessionRef | null; running: boolean; busy: boolean; error: string | null; onConfirm: () => void; onCancel: () => void }) {
  const { session } = props;
  const worktree = session?.worktree ?? null;
  return (
    <ConfirmDialog
      open={session !== null}
      title={`Delete “${session?.title ?? ""}”?`}
      confirmLabel="Delete session"
      busyLabel="Deleting…"
      busy={props.busy}
      error={props.error}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>Its tabs and every message in them are deleted. This cannot be undone.</p>
      {props.running ? <p>An agent is still running in it: BooChat will name it and ask before stopping it.</p> : null}
      {worktree ? (
        <p>
          Its worktree <span className={mono}>{worktree.path}</span>
          {worktree.branch ? (
            <>
              {" "}
              on branch <span className={mono}>{worktree.branch}</span>
            </>
          ) : null}{" "}
          is removed only if nothing in it would be lost (the branch stays in the repository). If something would, nothing is deleted and BooChat
          shows what is at risk.
        </p>
      ) : (
        <p>It has no worktree: nothing on disk is touched.</p>
      )}
      {session && session.entryCount > 0 ? (
        <p>
          Its {session.entryCount === 1 ? "arena entry session is" : `${session.entryCount} arena entry sessions are`} deleted with it, through the same
          check.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}

/** Force, asked once more: nothing is checked, agents stop, every worktree stays on disk as an orphan. */
export function ConfirmForceDelete(props: {
  open: boolean;
  title: string;
  paths: string[];
  agentsRunning: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      open={props.open}
      title={`Force the delete of “${props.title}”?`}
      confirmLabel="Force delete"
      busyLabel="Deleting…"
      busy={props.busy}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <p>
        The session, its tabs and their messages are deleted now, without checking the worktree again.
        {props.agentsRunning ? " Its running agents are stopped." : ""}
      </p>
      <p>
        Nothing is removed from disk:{" "}
        {props.paths.length > 0 ? (
          <>
            <span className={mono}>{props.paths.join(", ")}</span> {props.paths.length === 1 ? "stays" : "stay"} with every file, uncommitted work included,
          </>
        ) : (
          "any worktree stays with every file,"
        )}{" "}
        listed under “Orphaned worktrees”, where you can reattach or remove it later.
      </p>
    </ConfirmDialog>
  );
}
