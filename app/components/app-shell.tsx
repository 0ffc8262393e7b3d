"use client";

import { useParams } from "next/navigation";
import type { ReactNode } from "react";
import { Sidebar } from "./sidebar/sidebar";
import { useMediaQuery } from "./ui/use-media-query";

/**
 * Two panes side by side from 768 px on: sessions on the left, the page (the selected session, or
 * what to do) on the right. Narrower (a phone), one pane at a time: the session list on the home
 * page, the session on its own page with a way back to the list.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const sessionId = useParams<{ sessionId?: string }>().sessionId ?? null;
  const twoPanes = useMediaQuery("(min-width: 768px)", true);
  return (
    <div className="flex h-dvh w-full overflow-hidden">
      <Sidebar selectedId={sessionId} listShown={twoPanes || !sessionId} className={sessionId ? "hidden md:flex" : "flex"} />
      {/* On a phone's home page the list fills the screen; the empty state stays for screen readers (one main, one h1). */}
      <main className={`flex min-w-0 flex-1 flex-col ${sessionId ? "" : "max-md:sr-only"}`}>{children}</main>
    </div>
  );
}
