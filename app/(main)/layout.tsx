import type { ReactNode } from "react";
import { AppShell } from "../components/app-shell";

/**
 * The sidebar and the main pane, shared by the home page and every session page: navigating
 * between them keeps the sidebar (its scroll, its open dialogs, its delete flow) instead of
 * rebuilding it.
 */
export default function MainLayout({ children }: { children: ReactNode }) {
  return <AppShell>{children}</AppShell>;
}
