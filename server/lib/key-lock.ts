/**
 * An in-process async mutex per key: `withKeyLock(key, work)` runs `work` after every earlier call
 * with the same key has settled, whether it succeeded or failed. A lock's map holds only keys that
 * are busy, so it never grows with keys no longer in use.
 */
export type KeyLock = <T>(key: string, work: () => Promise<T>) => Promise<T>;

export function createKeyLock(): KeyLock {
  const tails = new Map<string, Promise<unknown>>();
  return async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

/** The process-wide lock, for keys that name one thing across the whole app (a session, a chat). */
export const withKeyLock: KeyLock = createKeyLock();
