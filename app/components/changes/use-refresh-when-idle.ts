"use client";

import { useEffect, useRef } from "react";
import { useActivity } from "../activity/activity-provider";

/** Calls `refresh` when the session's agents stop (a task in it ended): what it changed is read anew. */
export function useRefreshWhenIdle(sessionId: string, refresh: () => void): boolean {
  const running = useActivity().sessionRunning(sessionId);
  const wasRunning = useRef(running);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  useEffect(() => {
    if (wasRunning.current && !running) refreshRef.current();
    wasRunning.current = running;
  }, [running]);
  return running;
}
