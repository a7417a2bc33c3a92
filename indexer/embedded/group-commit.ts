// Group commit: writes submitted within a short window share one transaction, so one fsync
// covers many pages. Every caller's promise settles only after that transaction has committed.

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<I, R> {
  /** How long the first write of a batch waits for others to join it. */
  windowMs: number;
  /** A batch this large commits at once, without waiting for the window to end. */
  maxBatch: number;
  /**
   * Writes the items in one transaction and returns one outcome per item (an item that failed
   * alone was rolled back alone). Throws when the transaction as a whole failed: every item of
   * the batch is then rejected with that error.
   */
  runBatch(items: readonly I[]): Outcome<R>[];
}

interface Pending<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitStats {
  batches: number;
  items: number;
}

export class GroupCommit<I, R> {
  readonly #options: GroupCommitOptions<I, R>;
  #pending: Pending<I, R>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stats: GroupCommitStats = { batches: 0, items: 0 };

  constructor(options: GroupCommitOptions<I, R>) {
    this.#options = options;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#options.maxBatch) {
        this.flush();
      } else if (this.#timer === undefined) {
        this.#timer = setTimeout(() => this.flush(), this.#options.windowMs);
      }
    });
  }

  /** Commits whatever is pending now. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#stats = { batches: this.#stats.batches + 1, items: this.#stats.items + batch.length };
    let outcomes: Outcome<R>[];
    try {
      outcomes = this.#options.runBatch(batch.map((entry) => entry.item));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) entry.reject(new Error('group commit returned no outcome for an item'));
      else if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  get stats(): GroupCommitStats {
    return { ...this.#stats };
  }
}
