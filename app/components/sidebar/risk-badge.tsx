import type { RiskBadge } from "./use-risk-badges";

const DOT: Record<RiskBadge["status"], string> = {
  clean: "bg-emerald-600 dark:bg-emerald-400",
  "at-risk": "bg-amber-500 dark:bg-amber-400",
  unverified: "bg-zinc-500 dark:bg-zinc-400",
  none: "",
};

/**
 * What deleting the session would meet, at a glance: a dot (green clean, amber at risk, grey could
 * not verify) and the count at risk; its accessible name says it in words.
 */
export function RiskBadgeMark({ badge }: { badge: RiskBadge | undefined }) {
  if (!badge || badge.status === "none") return null;
  const count = badge.uncommitted + badge.unpushed + badge.unmerged;
  return (
    <span role="img" aria-label={badge.label} title={badge.label} className="inline-flex shrink-0 items-center gap-0.5 text-[0.65rem] leading-none text-zinc-700 dark:text-zinc-300">
      <span className={`inline-block h-2 w-2 rounded-full ${DOT[badge.status]}`} />
      {badge.status === "at-risk" && count > 0 ? <span aria-hidden>{count}</span> : null}
    </span>
  );
}
