import { TRPCClientError } from "@trpc/client";
import type { Dispatch, SetStateAction } from "react";
import type { AppRouter } from "@/server/trpc/routers/_app";
import type { RiskReport } from "@/server/schemas/risk-report";
import type { RunningTask } from "@/server/schemas/session";
import type { BlockState } from "./block-dialog";
import { worktreeSessionsOf, type SessionRef } from "./delete-confirmations";

/**
 * Where a session's delete stands: not asked, the first question (Delete session?), or refused by
 * the gate with the block dialog open (and Force's second question over it while askingForce).
 * Pure, so the way a refusal or a failure moves it is tested without a browser.
 */
export type Flow =
  | { step: "idle" }
  | { step: "confirm"; session: SessionRef; error: string | null }
  | { step: "blocked"; session: SessionRef; block: BlockState; error: string | null; askingForce: boolean };

export type BlockedFlow = Extract<Flow, { step: "blocked" }>;

export type SetFlow = Dispatch<SetStateAction<Flow>>;

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What a refused delete carries: the risk reports and the agents still running (either may be empty). */
function refusalOf(error: unknown): { reports: RiskReport[]; runningTasks: RunningTask[] } | null {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data?.code === "CONFLICT" && (data.riskReports || data.runningTasks)) {
      return { reports: data.riskReports ?? [], runningTasks: data.runningTasks ?? [] };
    }
  }
  return null;
}

/** The block dialog's state when the error is the gate's refusal (a 409 with reports or agents); null for any other failure. */
export function blockOf(session: SessionRef, error: unknown, notice: string | null): BlockState | null {
  const refusal = refusalOf(error);
  return refusal ? { sessionId: session.id, sessionTitle: session.title, ...refusal, notice, worktreeSessions: worktreeSessionsOf(session) } : null;
}

/**
 * After a delete that did not happen: a refusal opens (or updates) the block dialog, Force's question
 * closed; any other failure is shown in the dialog the user is in; a flow already closed stays closed.
 */
export function flowAfterFailure(current: Flow, session: SessionRef, block: BlockState | null, error: unknown): Flow {
  if (block) return { step: "blocked", session, block, error: null, askingForce: false };
  if (current.step === "idle") return current;
  return current.step === "blocked" ? { ...current, askingForce: false, error: messageOf(error) } : { ...current, error: messageOf(error) };
}

/** A failed step of the block dialog (Stop agents, Push, Refresh) is shown in it; outside it there is nowhere to show it. */
export function flowAfterBlockFailure(current: Flow, error: unknown): Flow {
  return current.step === "blocked" ? { ...current, error: messageOf(error) } : current;
}

/** The worktrees a forced delete leaves on disk: those the refusal named, else the session's own. */
export function keptPaths(block: BlockState, session: SessionRef): string[] {
  if (block.reports.length > 0) return block.reports.map((r) => r.path);
  return session.worktree ? [session.worktree.path] : [];
}
