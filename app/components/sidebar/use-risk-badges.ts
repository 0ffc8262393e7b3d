"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/routers/_app";
import { useTRPC } from "@/trpc/client";
import { useActivity } from "../activity/activity-provider";

export type RiskBadge = inferRouterOutputs<AppRouter>["worktree"]["riskBadges"][number];

/** How often the badges of the sessions on screen are checked again while the page is visible. */
export const BADGE_REFRESH_MS = 15_000;

/**
 * The risk badges of the sessions on screen: ONE request for all of them, again every 15 s while
 * the page is visible (TanStack Query pauses the interval when it is hidden), and at once when a
 * task in one of them ends (its agent may have changed the worktree).
 */
export function useRiskBadges(sessionIds: string[]): Map<string, RiskBadge> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const activity = useActivity();
  const badges = useQuery(
    trpc.worktree.riskBadges.queryOptions(
      { sessionIds },
      { enabled: sessionIds.length > 0, refetchInterval: BADGE_REFRESH_MS, staleTime: BADGE_REFRESH_MS, placeholderData: keepPreviousData, retry: false },
    ),
  );

  const running = sessionIds.filter((id) => activity.sessionRunning(id)).join(",");
  const wasRunning = useRef(running);
  useEffect(() => {
    const before = wasRunning.current.split(",").filter(Boolean);
    wasRunning.current = running;
    if (before.some((id) => !running.split(",").includes(id))) void queryClient.invalidateQueries({ queryKey: trpc.worktree.riskBadges.pathKey() });
  }, [running, queryClient, trpc]);

  return useMemo(() => new Map((badges.data ?? []).map((b) => [b.sessionId, b])), [badges.data]);
}
