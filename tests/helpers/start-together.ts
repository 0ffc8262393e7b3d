/** Something a test started and must stop: a sidecar process (`stop`) or an agent harness (`cleanup`). */
type Stoppable = { stop(): Promise<unknown> } | { cleanup(): Promise<unknown> };

const stopOne = (started: Stoppable) => ("stop" in started ? started.stop() : started.cleanup());

/**
 * Promise.all for starting processes side by side: when one fails to start, the ones that did are
 * stopped before the error is thrown, so a failed beforeAll leaves nothing running.
 */
export async function startTogether<T extends readonly Stoppable[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<Stoppable>[]);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) {
    await Promise.allSettled(settled.flatMap((result) => (result.status === "fulfilled" ? [stopOne(result.value)] : [])));
    throw failed.reason;
  }
  return settled.map((result) => (result as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
}
