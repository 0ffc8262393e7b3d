"use client";

import { useSyncExternalStore } from "react";

/**
 * Whether a CSS media query matches now, kept up to date as the window changes. The server (and the
 * first render while hydrating) assumes `serverDefault`.
 */
export function useMediaQuery(query: string, serverDefault: boolean): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
    () => serverDefault,
  );
}
