import { describe, expect, it } from "vitest";
import { emptyRiskReport, type RiskReport } from "@/server/schemas/risk-report";
import { finishStage } from "./finish-stage";

const report = (patch: Partial<RiskReport>): RiskReport => ({ ...emptyRiskReport("/w"), status: "at-risk", defaultBranch: "main", fingerprint: "f", ...patch });

describe("finishStage", () => {
  it("walks uncommitted, unpushed, unmerged, merged", () => {
    expect(finishStage(report({ dirty: { staged: 0, unstaged: 2, untracked: 0, conflicted: 0, files: [] } })).stage).toBe("uncommitted");
    expect(finishStage(report({ unpushed: { count: 1, upstream: null, commits: [] }, unmerged: { count: 1, commits: [] } })).words).toBe("1 commit not pushed");
    expect(finishStage(report({ unmerged: { count: 2, commits: [] } })).words).toBe("pushed, 2 commits not merged into main");
    expect(finishStage(report({ status: "clean" })).stage).toBe("merged");
    expect(finishStage(report({ status: "unverified", error: "timed out" })).words).toContain("timed out");
  });
});
