import type { ReactNode } from "react";
import type { RiskReport } from "@/server/schemas/risk-report";

const shortSha = (sha: string) => sha.slice(0, 8);

/** Where a report's files and commits open: the Changes view of the worktree's session, in a new browser tab. */
export type ChangesLinks = { file: (path: string) => string; commit: (sha: string) => string };

/** The Changes view of a session, at one file or one commit. */
export function changesLinksOf(sessionId: string): ChangesLinks {
  const base = `/sessions/${encodeURIComponent(sessionId)}/changes`;
  return { file: (path) => `${base}?file=${encodeURIComponent(path)}`, commit: (sha) => `${base}?commit=${encodeURIComponent(sha)}` };
}

/** A link that opens in a new browser tab, so the dialog it sits in stays as it is. */
function NewTabLink({ href, label, children }: { href: string; label: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener" aria-label={label} className="text-indigo-700 underline dark:text-indigo-300">
      {children}
    </a>
  );
}

function CommitList({ label, commits, count, links }: { label: string; commits: { sha: string; subject: string }[]; count: number; links?: ChangesLinks }) {
  if (count === 0) return null;
  return (
    <div>
      <p className="font-medium">
        {count} {label}
      </p>
      <ul className="ml-4 list-disc">
        {commits.map((c) => (
          <li key={c.sha}>
            {links ? (
              <NewTabLink href={links.commit(c.sha)} label={`${shortSha(c.sha)} ${c.subject} (opens the commit's diff in a new tab)`}>
                <span className="font-mono">{shortSha(c.sha)}</span> {c.subject}
              </NewTabLink>
            ) : (
              <>
                <span className="font-mono">{shortSha(c.sha)}</span> {c.subject}
              </>
            )}
          </li>
        ))}
        {count > commits.length ? <li>…and {count - commits.length} more</li> : null}
      </ul>
    </div>
  );
}

/**
 * One worktree's risk report in words: branch, changed files, commits that would be lost. With
 * `links`, each file and commit opens its diff in the Changes view, in a new browser tab.
 */
export function RiskReportView({ report, links }: { report: RiskReport; links?: ChangesLinks }) {
  const d = report.dirty;
  const changed = d.staged + d.unstaged + d.untracked + d.conflicted;
  return (
    <section aria-label={`Worktree ${report.path}`} className="space-y-2 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-700">
      <p>
        <span className="font-medium">Branch:</span> <span className="font-mono">{report.branch ?? (report.head ? "(detached HEAD)" : "(unknown)")}</span>
        <br />
        <span className="font-medium">Worktree:</span> <span className="font-mono break-all">{report.path}</span>
      </p>
      {report.status === "unverified" ? (
        <p className="text-amber-800 dark:text-amber-300">{report.error ?? "The worktree could not be checked."}</p>
      ) : null}
      {changed > 0 ? (
        <div>
          <p className="font-medium">
            {changed} uncommitted {changed === 1 ? "change" : "changes"}:{" "}
            {[
              d.staged ? `${d.staged} staged` : null,
              d.unstaged ? `${d.unstaged} modified` : null,
              d.untracked ? `${d.untracked} untracked` : null,
              d.conflicted ? `${d.conflicted} conflicted` : null,
            ]
              .filter(Boolean)
              .join(", ")}
          </p>
          <ul className="ml-4 list-disc font-mono">
            {d.files.map((file) => (
              <li key={file} className="break-all">
                {links ? (
                  <NewTabLink href={links.file(file)} label={`${file} (opens its diff in a new tab)`}>
                    {file}
                  </NewTabLink>
                ) : (
                  file
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <CommitList label={report.unpushed.count === 1 ? "unpushed commit" : "unpushed commits"} commits={report.unpushed.commits} count={report.unpushed.count} links={links} />
      <CommitList
        label={`${report.unmerged.count === 1 ? "commit" : "commits"} not merged into ${report.defaultBranch ?? "the default branch"}`}
        commits={report.unmerged.commits}
        count={report.unmerged.count}
        links={links}
      />
      {report.reasons.includes("operation-in-progress") ? <p>A merge, rebase or cherry-pick is in progress.</p> : null}
      {report.reasons.includes("detached") ? <p>HEAD is detached on commits that no branch or remote holds.</p> : null}
      {report.stashes > 0 ? <p className="text-zinc-600 dark:text-zinc-400">{report.stashes} stash {report.stashes === 1 ? "entry" : "entries"} from this branch (kept by git).</p> : null}
    </section>
  );
}
