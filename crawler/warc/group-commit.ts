// Group commit: items submitted while a batch is being written (and fsynced) wait and go out
// together in the next batch, so N concurrent callers cost one fsync rather than N, and each
// caller's promise settles only once the batch holding its item is durable. Batches never
// overlap, which is also what keeps one capture's records from interleaving with another's.

export interface GroupCommitter<T, R> {
  /** Resolves with the item's result once its batch has been written and committed. */
  submit(item: T): Promise<R>;
  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void>;
}

/**
 * `commitBatch` writes the items in order and makes them durable; it returns one result per item
 * or throws, which rejects every item of that batch (later batches still run).
 */
export function createGroupCommitter<T, R>(commitBatch: (items: T[]) => Promise<R[]>): GroupCommitter<T, R> {
  interface Pending {
    item: T;
    resolve(result: R): void;
    reject(err: unknown): void;
  }
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const results = await commitBatch(batch.map((pending) => pending.item));
        batch.forEach((pending, i) => pending.resolve(results[i] as R));
      } catch (err) {
        for (const pending of batch) pending.reject(err);
      }
    }
  }

  function start(): void {
    if (running) return;
    // drain() never rejects (commitBatch failures go to the callers), so this is not a lost error.
    running = drain().finally(() => {
      running = null;
      // An item submitted between drain()'s last check and this callback found `running` set.
      if (queue.length > 0) start();
    });
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        start();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
