import Link from "next/link";
import type { DiffFile } from "@/server/schemas/diff";
import { diffTotals, fileAnchor, fileLabel } from "./diff-files";
import { FileFacts } from "./file-diff";

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** "3 files changed, 12 lines added, 4 removed". */
export function totalsWords(files: DiffFile[]): string {
  const t = diffTotals(files);
  return `${plural(t.files, "file", "files")} changed, ${plural(t.additions, "line", "lines")} added, ${t.deletions.toLocaleString("en")} removed`;
}

/** Every changed file with its status and +/-, each a link to its diff below; the totals first. */
export function FileList({ files }: { files: DiffFile[] }) {
  return (
    <nav aria-label="Changed files" className="rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800">
      <p className="px-1 pb-1 font-medium">{totalsWords(files)}</p>
      <ul className="space-y-0.5">
        {files.map((file) => (
          <li key={file.path} className="flex flex-wrap items-center gap-x-2 px-1">
            <a href={`#${fileAnchor(file.path)}`} className="min-w-0 font-mono break-all text-indigo-700 underline dark:text-indigo-300">
              {fileLabel(file)}
            </a>
            <FileFacts file={file} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The commits on the branch that the default branch lacks, each opening its own diff. */
export function CommitList({ commits, hrefOf, current }: { commits: Array<{ sha: string; subject: string }>; hrefOf: (sha: string) => string; current: string | null }) {
  if (commits.length === 0) return null;
  return (
    <nav aria-label="Commits on this branch" className="rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800">
      <p className="px-1 pb-1 font-medium">
        {plural(commits.length, "commit", "commits")} on this branch that the default branch lacks
      </p>
      <ul className="space-y-0.5">
        {commits.map((c) => (
          <li key={c.sha} className="px-1 break-words">
            <Link href={hrefOf(c.sha)} aria-current={current === c.sha ? "page" : undefined} className="text-indigo-700 underline aria-[current=page]:font-semibold dark:text-indigo-300">
              <span className="font-mono">{c.sha.slice(0, 8)}</span> {c.subject}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
