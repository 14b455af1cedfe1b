// A few runs are listed at once (each run's own pages must stay sequential: every cursor comes from the page
// before), while results still come out in run order, so the resolved list is deterministic.

/**
 * Applies `task` to the items of `source` with at most `limit` tasks in flight and yields the results in
 * source order. A failed task fails the iteration when its turn comes; tasks still running then finish on
 * their own (their requests are bounded by the ApiClient's signal and retry budget).
 */
export async function* orderedPool<T, R>(source: AsyncIterable<T>, limit: number, task: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const inFlight: Promise<R>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && inFlight.length < limit) {
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const started = task(next.value);
        // Observed when its turn comes; this keeps an early failure of a later task from being "unhandled".
        started.catch(() => undefined);
        inFlight.push(started);
      }
      const head = inFlight.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
