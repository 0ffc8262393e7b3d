/**
 * The words a finished delete (or stash, then delete) ends with: what went, and where the work
 * that stayed is. Pure, so the wording is tested without a browser.
 */

type WorktreeOutcome = { path: string; outcome: "removed" | "kept-as-orphan" } | null;

export type DeleteResult = {
  deleted: true;
  worktree: WorktreeOutcome;
  entrySessions?: Array<{ id: string; title: string; worktree: WorktreeOutcome }>;
};

/** What Stash did before the delete: how many changes went into how many stash entries, and of which repository. */
export type StashSummary = { changes: number; entries: number; repoPath: string | null };

export type Notice = { title: string; body: string };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function worktreeWords(worktree: WorktreeOutcome, branch: string | null): string | null {
  if (!worktree) return null;
  const onBranch = branch ? ` on branch ${branch}` : "";
  if (worktree.outcome === "removed") return `Its worktree ${worktree.path} was removed${branch ? `; the branch ${branch} was kept` : ""}.`;
  return `Its worktree ${worktree.path}${onBranch} was kept with all its files, listed under “Orphaned worktrees”.`;
}

function entryWords(entries: DeleteResult["entrySessions"]): string | null {
  if (!entries || entries.length === 0) return null;
  const kept = entries.filter((e) => e.worktree?.outcome === "kept-as-orphan").length;
  const base = `${plural(entries.length, "arena entry session was", "arena entry sessions were")} deleted with it`;
  return kept > 0 ? `${base}; ${plural(kept, "worktree was", "worktrees were")} kept under “Orphaned worktrees”.` : `${base}, and their worktrees removed.`;
}

/** "stash@{0}" for one entry; "stash@{0} to stash@{2}" for three pushed one after another. */
function stashRefs(entries: number): string {
  return entries <= 1 ? "stash@{0}" : `stash@{0} to stash@{${entries - 1}}`;
}

export function deleteNotice(input: { title: string; branch: string | null; result: DeleteResult; stash?: StashSummary | null }): Notice {
  const { result, stash } = input;
  const stashed = stash && stash.entries > 0
    ? `Stashed ${plural(stash.changes, "change", "changes")} in ${stashRefs(stash.entries)}${stash.repoPath ? ` of ${stash.repoPath}` : ""} (git stash list there shows ${stash.entries === 1 ? "it" : "them"}).`
    : null;
  const parts = [stashed, worktreeWords(result.worktree, input.branch), entryWords(result.entrySessions)].filter((p): p is string => p !== null);
  return {
    title: `The session “${input.title}” was deleted`,
    body: parts.length > 0 ? parts.join(" ") : "It had no worktree: its tabs and messages are gone, nothing on disk was touched.",
  };
}
