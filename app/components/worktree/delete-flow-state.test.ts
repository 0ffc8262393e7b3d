import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { emptyRiskReport } from "@/server/schemas/risk-report";
import type { BlockState } from "./block-dialog";
import type { SessionRef } from "./delete-confirmations";
import { blockOf, flowAfterBlockFailure, flowAfterFailure, keptPaths, type Flow } from "./delete-flow-state";

const session: SessionRef = { id: "s1", title: "Fix", worktree: { path: "/w/fix", branch: "boochat/fix" }, entryCount: 0, entryWorktrees: [{ sessionId: "e1", path: "/w/entry" }] };
const unverified = { ...emptyRiskReport("/w/fix"), status: "unverified" as const, fingerprint: "f", error: "did not answer within 2 s" };

/** A 409 as the tRPC client hands it over: the server's error data under result.error.data. */
function conflict(data: Record<string, unknown>) {
  return new TRPCClientError("refused", { result: { error: { message: "refused", code: -32009, data: { code: "CONFLICT", ...data } } } });
}

/** The block dialog's state for a refusal that names the one unverified worktree. */
function refusedBlock(): BlockState {
  const block = blockOf(session, conflict({ riskReports: [unverified] }), null);
  if (!block) throw new Error("expected the refusal to be read");
  return block;
}

describe("blockOf", () => {
  it("reads a 409's risk reports into the block dialog's state, each worktree linked to its session", () => {
    expect(blockOf(session, conflict({ riskReports: [unverified] }), "a notice")).toEqual({
      sessionId: "s1",
      sessionTitle: "Fix",
      reports: [unverified],
      runningTasks: [],
      notice: "a notice",
      worktreeSessions: { "/w/fix": "s1", "/w/entry": "e1" },
    });
  });

  it("is null for a failure that is not the gate's refusal", () => {
    expect(blockOf(session, new Error("network down"), null)).toBeNull();
    expect(blockOf(session, conflict({}), null)).toBeNull();
    expect(blockOf(session, new TRPCClientError("gone", { result: { error: { message: "gone", code: -32004, data: { code: "NOT_FOUND", riskReports: [unverified] } } } }), null)).toBeNull();
  });
});

describe("flowAfterFailure", () => {
  const block = refusedBlock();
  const blocked: Flow = { step: "blocked", session, block, error: "old", askingForce: true };

  it("opens the block dialog on a refusal, Force's question closed", () => {
    expect(flowAfterFailure({ step: "confirm", session, error: null }, session, block, null)).toEqual({ step: "blocked", session, block, error: null, askingForce: false });
    expect(flowAfterFailure(blocked, session, block, null)).toEqual({ step: "blocked", session, block, error: null, askingForce: false });
  });

  it("shows any other failure in the open dialog, and leaves a closed flow closed", () => {
    expect(flowAfterFailure({ step: "confirm", session, error: null }, session, null, new Error("boom"))).toEqual({ step: "confirm", session, error: "boom" });
    expect(flowAfterFailure(blocked, session, null, "text")).toEqual({ ...blocked, askingForce: false, error: "text" });
    expect(flowAfterFailure({ step: "idle" }, session, null, new Error("boom"))).toEqual({ step: "idle" });
  });

  it("a block dialog step's failure keeps Force's question as it was", () => {
    expect(flowAfterBlockFailure(blocked, new Error("push failed"))).toEqual({ ...blocked, error: "push failed" });
    expect(flowAfterBlockFailure({ step: "idle" }, new Error("push failed"))).toEqual({ step: "idle" });
  });
});

describe("keptPaths", () => {
  it("names the refused worktrees, else the session's own", () => {
    const block = refusedBlock();
    expect(keptPaths(block, session)).toEqual(["/w/fix"]);
    expect(keptPaths({ ...block, reports: [] }, session)).toEqual(["/w/fix"]);
    expect(keptPaths({ ...block, reports: [] }, { ...session, worktree: null })).toEqual([]);
  });
});
