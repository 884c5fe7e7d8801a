export interface RefetchCoalescer<T extends object> {
  /** Refetches `target` now, or, while its refetch is in flight, once more as soon as that one ends. */
  request(target: T): void;
  /**
   * Starts nothing more once the refetches a burst was owed are started, at once: the stream that asked may be
   * replaced by another (the page moved), which knows nothing of them. Refetches in flight end on their own.
   */
  close(): void;
}

/**
 * Never delays the first change and never lets a burst pile up: a target (e.g. one strategy's query) is refetched
 * at once; asked for again while that refetch is in flight, possibly having read the data before the change, it is
 * marked dirty and refetched exactly once more when the refetch ends, however many times it was asked meanwhile.
 * Targets are told apart by `keyOf`. A failed refetch counts as ended: react-query keeps and shows its error.
 */
export function createRefetchCoalescer<T extends object>(keyOf: (target: T) => string, refetch: (target: T) => Promise<unknown>): RefetchCoalescer<T> {
  const inFlight = new Set<string>();
  const dirty = new Map<string, T>();
  let isClosed = false;

  const run = (key: string, target: T) => {
    inFlight.add(key);
    void refetch(target)
      .catch(() => undefined)
      .finally(() => {
        inFlight.delete(key);
        const again = dirty.get(key);
        dirty.delete(key);
        if (again !== undefined && !isClosed) run(key, again);
      });
  };

  return {
    request(target) {
      if (isClosed) return;
      const key = keyOf(target);
      if (inFlight.has(key)) dirty.set(key, target);
      else run(key, target);
    },
    close() {
      isClosed = true;
      const owed = [...dirty.values()];
      dirty.clear();
      for (const target of owed) void refetch(target).catch(() => undefined);
    },
  };
}
