import type { DiffFile, DiffScope, WorktreeDiff } from "../../server/schemas/diff";
import { HttpError } from "../errors";
import { listFirstCommitsNotIn } from "../git/commits";
import { readDiffRecords, streamPatches, type DiffSides } from "../git/diff";
import { readEmptyTree, readFirstParent, readHead, readMergeBase, resolveCommit } from "../git/refs";
import { readRepoGuard } from "../git/repo-guard";
import type { GitContext, RepoGuard } from "../git/run";
import type { WorktreeDirs } from "../git/worktree-dirs";
import { withWorktreeSnapshot } from "../git/worktree-snapshot";
import { expectedHeader, type DiffRecord } from "./diff-records";
import { PatchBudget, type PatchSection } from "./patch-budget";

export const DEFAULT_DIFF_MAX_BYTES = 2 * 1024 * 1024;
/** Files listed at most (the rest make the answer `truncated`); commits listed at most. */
export const MAX_DIFF_FILES = 5_000;
export const MAX_DIFF_COMMITS = 100;

export type DiffRequest = { scope: DiffScope; commit?: string; against?: string; maxBytes: number; paths?: readonly string[] };

/**
 * A file's share of the byte budget: its even share among up to ten files, never less than 64 KiB,
 * so one huge generated file cannot crowd out every other patch, and one file asked alone gets it all.
 */
function perFileBudget(maxBytes: number, files: number): number {
  return Math.min(maxBytes, Math.max(Math.floor(maxBytes / Math.max(1, Math.min(files, 10))), 64 * 1024));
}

/** Sections in git's order are matched to records in git's order by their header line; sections of files not asked for are skipped. */
function attachPatches(records: readonly DiffRecord[], sections: readonly PatchSection[], complete: boolean): DiffFile[] {
  let at = 0;
  return records.map((record) => {
    const header = expectedHeader(record);
    while (at < sections.length && sections[at]?.header !== header) at += 1;
    const own: PatchSection[] = [];
    // A type change (file to symbolic link, say) is printed as a deletion and an addition under one header.
    while (at < sections.length && sections[at]?.header === header && own.length < (record.status === "type-changed" ? 2 : 1)) {
      own.push(sections[at] as PatchSection);
      at += 1;
    }
    if (own.length === 0 && complete) throw new Error(`git printed no patch for ${record.path}`);
    const file: DiffFile = {
      path: record.path,
      status: record.status,
      additions: record.additions,
      deletions: record.deletions,
      binary: record.binary,
      // Never a binary file's bytes: git only says that it differs, and that is what `binary` says.
      truncated: own.length === 0 || own.some((section) => section.cut),
      patch: record.binary ? "" : own.map((section) => section.text).join(""),
    };
    if (record.oldPath !== undefined) file.oldPath = record.oldPath;
    if (record.symlink) file.symlink = true;
    return file;
  });
}

async function readFiles(ctx: GitContext, dir: string, sides: DiffSides, guard: RepoGuard, request: DiffRequest): Promise<{ files: DiffFile[]; truncated: boolean }> {
  const all = await readDiffRecords(ctx, dir, sides, guard);
  const asked = request.paths === undefined ? null : new Set(request.paths);
  const matching = asked === null ? all : all.filter((r) => asked.has(r.path) || (r.oldPath !== undefined && asked.has(r.oldPath)));
  const records = matching.slice(0, MAX_DIFF_FILES);
  if (records.length === 0) return { files: [], truncated: false };
  const budget = new PatchBudget(request.maxBytes, perFileBudget(request.maxBytes, records.length));
  // Narrowed: both sides of a rename or copy, so that git pairs them again.
  const pathspec = asked === null ? undefined : [...new Set(records.flatMap((r) => (r.oldPath === undefined ? [r.path] : [r.path, r.oldPath])))];
  await streamPatches(ctx, dir, sides, guard, pathspec, (chunk) => budget.push(chunk));
  const { sections, complete } = budget.finish();
  const files = attachPatches(records, sections, complete);
  return { files, truncated: matching.length > records.length || files.some((file) => file.truncated) };
}

/** A commit id from the request, resolved in the repository; 400 in words when it names none. */
async function requireCommit(ctx: GitContext, dir: string, field: string, commit: string): Promise<string> {
  const resolved = await resolveCommit(ctx, dir, commit);
  if (resolved === null) throw new HttpError(400, "invalid-input", `${field}: ${commit} is not a commit of the repository (or names several)`);
  return resolved;
}

/** The commit the diff starts from: `against`, HEAD, or HEAD's merge base with the default branch. */
async function baseOf(ctx: GitContext, dir: string, head: string | null, defaultRef: string | null, against: string | null, request: DiffRequest): Promise<string | null> {
  if (against !== null) return against;
  if (head === null) return null;
  if (request.scope === "uncommitted" || defaultRef === null) return head;
  return readMergeBase(ctx, dir, head, defaultRef);
}

/** The branch's commits that the default branch (or `against`) lacks, newest first. */
async function commitsOf(ctx: GitContext, dir: string, head: string | null, since: string | null): Promise<WorktreeDiff["commits"]> {
  return head === null || since === null ? [] : listFirstCommitsNotIn(ctx, dir, head, [since], MAX_DIFF_COMMITS);
}

async function commitSides(ctx: GitContext, dir: string, commit: string): Promise<{ base: string | null; sides: DiffSides }> {
  const resolved = await requireCommit(ctx, dir, "commit", commit);
  const parent = await readFirstParent(ctx, dir, resolved);
  return { base: parent, sides: { kind: "trees", from: parent ?? (await readEmptyTree(ctx, dir)), to: resolved } };
}

/**
 * The worktree's changes (docs/SIDECAR.md, "Diff"): against the merge base with the default branch
 * (without one: against HEAD; or against a given commit), against HEAD, or one commit against its first parent. Throws
 * UnverifiableConfigError when the repository's drivers cannot be switched off, GitError when git fails.
 */
export async function readWorktreeDiff(ctx: GitContext, dir: string, dirs: WorktreeDirs, request: DiffRequest): Promise<WorktreeDiff> {
  const [guard, head, against] = await Promise.all([
    readRepoGuard(ctx, dir, { submodules: true }),
    readHead(ctx, dir),
    request.against === undefined ? null : requireCommit(ctx, dir, "against", request.against),
  ]);
  const defaultRef = dirs.defaultBranchRef;
  const commitsPromise = commitsOf(ctx, dir, head, against ?? defaultRef);
  if (request.commit !== undefined) {
    const [{ base, sides }, commits] = await Promise.all([commitSides(ctx, dir, request.commit), commitsPromise]);
    return { base, head, commits, ...(await readFiles(ctx, dir, sides, guard, request)) };
  }
  const [base, commits] = await Promise.all([baseOf(ctx, dir, head, defaultRef, against, request), commitsPromise]);
  const from = base ?? (await readEmptyTree(ctx, dir));
  const read = await withWorktreeSnapshot(ctx, dir, dirs, guard, (env) => readFiles(ctx, dir, { kind: "index", base: from, env }, guard, request));
  return { base, head, commits, ...read };
}
