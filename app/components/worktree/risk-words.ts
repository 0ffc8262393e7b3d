import type { RiskStatus } from "@/server/schemas/risk-report";

/** A risk check's verdict in words, never the raw value ("at-risk"). */
export const RISK_STATUS_WORDS: Record<RiskStatus, string> = {
  clean: "clean: nothing would be lost by removing it",
  "at-risk": "at risk: removing it would lose the work listed above",
  unverified: "could not verify: BooChat could not check it, so it keeps it",
};
