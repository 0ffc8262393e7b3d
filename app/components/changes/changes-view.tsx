"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import type { ViewType } from "react-diff-view";
import { useTRPC } from "@/trpc/client";
import { ChangesToolbar, clockTime } from "./changes-toolbar";
import { CommitList, FileList } from "./change-summary";
import { fileAnchor } from "./diff-files";
import { FileDiff } from "./file-diff";
import { ReviewPanel } from "./review-panel";
import { useRefreshWhenIdle } from "./use-refresh-when-idle";
import { useReview } from "./use-review";

const note = "text-sm text-zinc-700 dark:text-zinc-300";

/**
 * The query string of the Changes view: what it shows (scope, one commit, a file to open) and how.
 * A choice shows at once (the toggle answers the click), before the address catches up.
 */
function useChangesParams() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [chosen, setChosen] = useState<Record<string, string | null>>({});
  const read = (key: string) => (key in chosen ? (chosen[key] ?? null) : params.get(key));
  useEffect(() => setChosen({}), [params]);
  const set = (changes: Record<string, string | null>) => {
    setChosen((current) => ({ ...current, ...changes }));
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    router.replace(`${pathname}${next.size > 0 ? `?${next}` : ""}`, { scroll: false });
  };
  const viewType: ViewType = read("layout") === "split" ? "split" : "unified";
  return { scope: read("scope") === "uncommitted" ? ("uncommitted" as const) : ("base" as const), commit: read("commit"), file: read("file"), viewType, set, pathname };
}

/**
 * A session's changes: every file changed on its branch (or only what is uncommitted, or one
 * commit), each diff with its line comments, the commits the default branch lacks, and the
 * review to send to a tab's agent. Read again when a task in the session ends and on Refresh.
 */
export function ChangesView({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const p = useChangesParams();
  const diff = useQuery(
    trpc.worktree.diff.queryOptions({ sessionId, ...(p.commit ? { commit: p.commit } : { scope: p.scope }) }, { retry: false, staleTime: 0, refetchOnWindowFocus: false }),
  );
  const running = useRefreshWhenIdle(sessionId, () => void diff.refetch());
  const review = useReview(sessionId);

  // A link to one file (the block dialog's) scrolls to it once it is drawn.
  const loaded = diff.isSuccess;
  useEffect(() => {
    if (loaded && p.file) document.getElementById(fileAnchor(p.file))?.scrollIntoView({ block: "start" });
  }, [loaded, p.file]);

  const data = diff.data;
  return (
    <section aria-labelledby="changes-heading" className="min-h-0 flex-1 space-y-3 overflow-y-auto px-3 py-3 md:px-5">
      <h2 id="changes-heading" className="text-base font-semibold">
        {p.commit ? `Changes of commit ${p.commit.slice(0, 8)}` : p.scope === "uncommitted" ? "Uncommitted changes" : "Changes on this branch"}
      </h2>
      <ChangesToolbar
        takenAt={data?.takenAt ?? null}
        refreshing={diff.isFetching}
        uncommittedOnly={p.scope === "uncommitted"}
        commitShown={p.commit !== null}
        viewType={p.viewType}
        onUncommittedOnly={(only) => p.set({ scope: only ? "uncommitted" : null })}
        onViewType={(layout) => p.set({ layout: layout === "split" ? "split" : null })}
        onRefresh={() => void diff.refetch()}
      />
      {p.commit ? (
        <p className={note}>
          One commit against its parent.{" "}
          <Link className="underline" href={p.pathname}>
            Back to all changes on the branch
          </Link>
        </p>
      ) : null}
      {running ? <p className={note}>An agent is working in this session: these changes will be read again when it stops.</p> : null}
      {diff.isError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {data ? `Could not read the changes again (${diff.error.message}); shown: as of ${clockTime(data.takenAt)}.` : `The changes could not be read: ${diff.error.message}`}
        </p>
      ) : null}
      {diff.isPending ? <p className={note}>Reading the changes…</p> : null}
      {data ? (
        <>
          {data.truncated ? <p className={note}>Some files were left out or cut short: the change set is too large to read whole.</p> : null}
          {data.files.length === 0 ? <p className={note}>No changes{p.scope === "uncommitted" && !p.commit ? " left uncommitted" : ""}.</p> : <FileList files={data.files} />}
          <CommitList commits={data.commits} current={p.commit} hrefOf={(sha) => `${p.pathname}?commit=${sha}${p.viewType === "split" ? "&layout=split" : ""}`} />
          {p.commit ? null : <ReviewPanel sessionId={sessionId} comments={review.comments} />}
          <div className="space-y-3">
            {data.files.map((file) => (
              <FileDiff key={file.path} file={file} viewType={p.viewType} focused={file.path === p.file} review={p.commit ? undefined : review.reviewOf(file.path)} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
