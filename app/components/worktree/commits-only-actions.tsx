import type { RiskReport } from "@/server/schemas/risk-report";
import { Button } from "../ui/button";
import type { PullRequestLink } from "./use-pull-request-link";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What Push, Open pull request and Refresh would change, in words, for commits that block a delete. */
export function CommitsOnlyWords({ report, pullRequest }: { report: RiskReport; pullRequest: PullRequestLink | null }) {
  const into = report.defaultBranch ?? "the default branch";
  return (
    <ul className="mt-3 ml-4 list-disc space-y-1 text-sm text-zinc-700 dark:text-zinc-300">
      {report.unpushed.count > 0 ? (
        <li>
          <span className="font-medium">Push</span> sends {plural(report.unpushed.count, "commit", "commits")} of {report.branch ?? "this branch"} to origin: they are safe
          there, but still not merged into {into}, so the delete stays blocked until they are.
        </li>
      ) : null}
      <li>
        <span className="font-medium">Open pull request</span> opens {pullRequest?.url ? "your git host's page for it in a new tab" : "nothing here"}: {pullRequest?.reason ?? `ask for the branch to be merged into ${into}`}.
      </li>
      <li>
        <span className="font-medium">Refresh</span> fetches origin and checks again: once the pull request is merged there, nothing is at risk and the session is
        deleted.
      </li>
    </ul>
  );
}

/** Push, Open pull request (a link, in a new tab) and Refresh: the ways out when only commits block. */
export function CommitsOnlyButtons(props: { report: RiskReport; pullRequest: PullRequestLink | null; busy: boolean; onPush: () => void; onRefresh: () => void }) {
  return (
    <>
      {props.report.unpushed.count > 0 ? (
        <Button onClick={props.onPush} disabled={props.busy}>
          Push
        </Button>
      ) : null}
      {props.pullRequest?.url ? (
        <a
          href={props.pullRequest.url}
          target="_blank"
          rel="noopener"
          className="inline-flex items-center justify-center rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-900 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800"
        >
          Open pull request
        </a>
      ) : null}
      <Button onClick={props.onRefresh} disabled={props.busy}>
        Refresh
      </Button>
    </>
  );
}
