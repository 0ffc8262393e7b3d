"use client";

import { useCallback, useState } from "react";

function read<T>(key: string, initial: T): T {
  if (typeof window === "undefined") return initial;
  try {
    const raw = window.localStorage.getItem(key);
    return raw === null ? initial : (JSON.parse(raw) as T);
  } catch {
    return initial;
  }
}

/**
 * State kept in this browser's localStorage under `key`, so it survives a reload (a tab's draft,
 * its queued messages, its agent). Back to `initial`, the key is removed: nothing piles up.
 */
export function useStoredState<T>(key: string, initial: T): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => read(key, initial));
  const set = useCallback(
    (next: T | ((previous: T) => T)) => {
      setValue((previous) => {
        const value = typeof next === "function" ? (next as (previous: T) => T)(previous) : next;
        try {
          if (JSON.stringify(value) === JSON.stringify(initial)) window.localStorage.removeItem(key);
          else window.localStorage.setItem(key, JSON.stringify(value));
        } catch {
          // Storage full or refused (private mode): the state still works for this page.
        }
        return value;
      });
    },
    // `initial` is a literal at every call site; the key is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  return [value, set];
}
