// Time bounds for the steps of a render. Several Playwright calls (evaluate, content, title) have
// no timeout of their own and wait forever on a renderer stuck in a script loop; every step is
// therefore raced against the render's deadline, and the loser's late rejection is swallowed.
import { RetryableError } from '../../config/errors.ts';

/** Milliseconds left before `atMs` (epoch ms), never negative. */
export function remainingMs(atMs: number): number {
  return Math.max(0, atMs - Date.now());
}

/** `work`, or RetryableError 'render-timeout' once `atMs` passes. */
export async function beforeDeadline<T>(work: Promise<T>, atMs: number, what: string): Promise<T> {
  const outcome = await race(work, atMs);
  if (!outcome.done) {
    throw new RetryableError('render-timeout', `rendering timed out while ${what}`, { details: { step: what } });
  }
  return outcome.value;
}

/** Waits for `work` until `atMs` at most; false when it failed or did not finish in time. */
export async function settleBefore(work: Promise<unknown>, atMs: number): Promise<boolean> {
  try {
    return (await race(work, atMs)).done;
  } catch {
    return false;
  }
}

export async function race<T>(work: Promise<T>, atMs: number): Promise<{ done: true; value: T } | { done: false }> {
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), remainingMs(atMs));
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
