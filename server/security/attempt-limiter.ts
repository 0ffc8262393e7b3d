/**
 * Limits wrong password and token attempts. Next.js gives the proxy and route handlers no trusted
 * client address (`x-forwarded-for` is whatever the client sent, if it sent one), so besides the
 * per-address limit there is a limit over all addresses together: spoofing addresses buys at most
 * `globalMax` guesses per window.
 */
export type AttemptLimiter = {
  /** Seconds until the next attempt from `key` may be checked; 0 when it may be checked now. */
  retryAfterSeconds(key: string, nowMs: number): number;
  /** Records a wrong attempt from `key`. */
  recordFailure(key: string, nowMs: number): void;
};

export type AttemptLimits = { perKeyMax: number; globalMax: number; windowMs: number };

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perKeyMax: 5, globalMax: 20, windowMs: 60_000 };

const GLOBAL_KEY = "\u0000all";

export function createAttemptLimiter(limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS): AttemptLimiter {
  // Failure times per key, oldest first, pruned to the window on every use.
  const failures = new Map<string, number[]>();
  const recent = (key: string, nowMs: number): number[] => {
    const kept = (failures.get(key) ?? []).filter((at) => at > nowMs - limits.windowMs);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };
  const wait = (times: number[], max: number, nowMs: number): number => {
    if (times.length < max) return 0;
    // Blocked until the oldest failure that keeps the count at the limit leaves the window.
    const oldest = times[times.length - max] ?? nowMs;
    return Math.max(1, Math.ceil((oldest + limits.windowMs - nowMs) / 1000));
  };
  return {
    retryAfterSeconds(key, nowMs) {
      return Math.max(wait(recent(key, nowMs), limits.perKeyMax, nowMs), wait(recent(GLOBAL_KEY, nowMs), limits.globalMax, nowMs));
    },
    recordFailure(key, nowMs) {
      for (const k of [key, GLOBAL_KEY]) failures.set(k, [...recent(k, nowMs), nowMs]);
    },
  };
}

const globalForLimiter = globalThis as unknown as { boochatAttemptLimiter?: AttemptLimiter };

/** The app's one limiter, shared by the proxy (bearer tokens) and the sign-in route (passwords). */
export function getAttemptLimiter(): AttemptLimiter {
  globalForLimiter.boochatAttemptLimiter ??= createAttemptLimiter();
  return globalForLimiter.boochatAttemptLimiter;
}

/**
 * The key a wrong attempt is counted under. `X-Forwarded-For` is whatever a client sent unless a
 * reverse proxy in front of BooChat sets it (BOOCHAT_TRUSTED_PROXY): only then is it one client's
 * address; otherwise every client shares one key (the overall limit still holds).
 */
export function clientKey(headers: Pick<Headers, "get">, trustedProxy: boolean): string {
  if (!trustedProxy) return "untrusted";
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
