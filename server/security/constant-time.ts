import { createHash, timingSafeEqual } from "node:crypto";

/** Compares two secrets in time that depends on neither (both are hashed to the same length first). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash("sha256").update(a, "utf8").digest();
  const right = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(left, right);
}
