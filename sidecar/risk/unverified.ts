import { emptyRiskReport, type RiskReport } from "../../server/schemas/risk-report";
import { UnverifiableConfigError } from "../git/config-drivers";
import { GitError } from "../git/run";
import { fingerprintOf } from "./fingerprint";

/** A report that says the check could not establish the worktree's state, and why. */
export function unverified(input: string, error: string): RiskReport {
  const report = emptyRiskReport(input);
  report.error = error;
  report.fingerprint = fingerprintOf({ head: null, statusRecords: [], reasons: [], verdict: `unverified:${error}` });
  return report;
}

export function describeFailure(error: unknown): string {
  if (error instanceof GitError) return error.message;
  if (error instanceof UnverifiableConfigError) {
    return `the repository's configuration cannot be switched off with certainty, so git was not run on it: ${error.message}`;
  }
  if (error instanceof Error) return `the check failed: ${error.message}`;
  return "the check failed";
}
