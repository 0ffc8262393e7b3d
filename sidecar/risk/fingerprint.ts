import { createHash } from "node:crypto";

/**
 * What the user saw: HEAD, the porcelain status records (ignored paths left out, locally excluded
 * ones put in) and the verdict. A force delete with a stale fingerprint is refused.
 */
export function fingerprintOf(parts: { head: string | null; statusRecords: readonly string[]; reasons: readonly string[]; verdict: string }): string {
  return createHash("sha256")
    .update(JSON.stringify([parts.head ?? "", parts.statusRecords, parts.reasons, parts.verdict]))
    .digest("hex");
}
