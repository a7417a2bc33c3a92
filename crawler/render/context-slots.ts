// A counting semaphore with a bounded, first-come first-served wait: at most `size` renders hold
// a browser context at once, and a render that waits too long gives up with 'render-busy' (a
// RetryableError: the job comes back later rather than piling up behind a slow browser).
import { RetryableError } from '../../config/errors.ts';
import type { VigieError } from '../../config/errors.ts';

interface Waiter {
  grant(): void;
  fail(err: VigieError): void;
}

export class ContextSlots {
  readonly #size: number;
  #held = 0;
  readonly #waiters: Waiter[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  get held(): number {
    return this.#held;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves with the slot's release function; rejects with 'render-busy' after `waitMs`. */
  acquire(waitMs: number): Promise<() => void> {
    if (this.#held < this.#size) {
      this.#held++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new RetryableError('render-busy', `no browser context became free within ${waitMs} ms`, {
          details: { waitMs, maxContexts: this.#size },
        }));
      }, waitMs);
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.#releaser());
        },
        fail: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Fails every waiting acquire (the pool is closing). */
  failWaiters(err: () => VigieError): void {
    for (const waiter of this.#waiters.splice(0)) waiter.fail(err());
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // The slot passes straight to the next waiter, so the count never dips and lets a newcomer jump the queue.
      if (next) next.grant();
      else this.#held--;
    };
  }
}
