/** Exponential backoff: `initialMs` doubled for each failure so far, never more than `maxMs`. */
export function backoffDelay(failures: number, options: { initialMs: number; maxMs: number }): number {
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, failures));
}
