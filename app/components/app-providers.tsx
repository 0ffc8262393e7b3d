"use client";

import type { ReactNode } from "react";
import { TRPCReactProvider } from "@/trpc/client";
import { ActivityProvider } from "./activity/activity-provider";
import { NotificationsProvider } from "./ui/notifications";

/** Everything pages share, kept across navigations: the API client, toasts, and the live activity. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <TRPCReactProvider>
      <NotificationsProvider>
        <ActivityProvider>{children}</ActivityProvider>
      </NotificationsProvider>
    </TRPCReactProvider>
  );
}
