"use client";

import { useEffect, useState } from "react";
import type { HunkData, HunkTokens } from "react-diff-view";
import { tokenizeHunks } from "./diff-highlight";

const whenIdle = (run: () => void): (() => void) => {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(run, { timeout: 1_000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(run, 50);
  return () => window.clearTimeout(id);
};

/**
 * The hunks' colours, computed once the browser is idle after the plain lines are drawn: a long
 * diff is readable at once and coloured a moment later, never the other way round.
 */
export function useDiffTokens(hunks: HunkData[], language: string | null, enabled: boolean): HunkTokens | null {
  const [tokens, setTokens] = useState<{ hunks: HunkData[]; tokens: HunkTokens } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const cancelIdle = whenIdle(() => {
      void tokenizeHunks(hunks, language)
        .then((result) => {
          if (!cancelled) setTokens({ hunks, tokens: result });
        })
        // Colours are a nicety: a language that fails to load leaves the lines plain.
        .catch(() => undefined);
    });
    return () => {
      cancelled = true;
      cancelIdle();
    };
  }, [hunks, language, enabled]);
  return tokens && tokens.hunks === hunks ? tokens.tokens : null;
}
