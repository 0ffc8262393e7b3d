"use client";

import { Toast } from "radix-ui";
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { CloseIcon } from "./icons";

type Notice = { id: number; title: string; body?: string; tone: "done" | "failed" };

type Notifications = {
  /** A toast that says what an action did and where the work is (stays 20 s, longer while hovered or focused). */
  notify(notice: Omit<Notice, "id" | "tone"> & { tone?: Notice["tone"] }): void;
  /** Words for screen readers only, for small confirmations ("Copied") that need no toast. */
  announce(text: string): void;
};

const NotificationsContext = createContext<Notifications | null>(null);

export function useNotifications(): Notifications {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error("useNotifications outside NotificationsProvider");
  return value;
}

/** Radix toasts for the results of actions, and one polite live region for short announcements. */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const [announcement, setAnnouncement] = useState("");
  const nextId = useRef(0);

  const notify = useCallback<Notifications["notify"]>((notice) => {
    nextId.current += 1;
    const id = nextId.current;
    setNotices((list) => [...list.slice(-3), { tone: "done", ...notice, id }]);
  }, []);
  const announce = useCallback((text: string) => {
    // Emptied first, so the same words said twice are announced twice.
    setAnnouncement("");
    window.setTimeout(() => setAnnouncement(text), 50);
  }, []);
  const value = useMemo(() => ({ notify, announce }), [notify, announce]);

  return (
    <NotificationsContext.Provider value={value}>
      <Toast.Provider duration={20_000} label="Notifications">
        {children}
        {notices.map((notice) => (
          <Toast.Root
            key={notice.id}
            onOpenChange={(open) => {
              if (!open) setNotices((list) => list.filter((n) => n.id !== notice.id));
            }}
            className={`relative rounded-lg border bg-white p-3 pr-10 text-sm shadow-lg dark:bg-zinc-900 ${notice.tone === "failed" ? "border-red-400 dark:border-red-700" : "border-emerald-500 dark:border-emerald-700"}`}
          >
            <Toast.Title className="font-semibold">{notice.title}</Toast.Title>
            {notice.body ? <Toast.Description className="mt-1 break-words text-zinc-700 dark:text-zinc-300">{notice.body}</Toast.Description> : null}
            <Toast.Close
              aria-label="Dismiss"
              className="absolute top-2 right-2 inline-flex h-7 w-7 items-center justify-center rounded text-zinc-600 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-400 dark:hover:bg-zinc-800"
            >
              <CloseIcon className="h-4 w-4" />
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="fixed right-0 bottom-0 z-[60] m-0 flex w-full max-w-md list-none flex-col gap-2 p-4 outline-none" />
      </Toast.Provider>
      <p role="status" aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </NotificationsContext.Provider>
  );
}
