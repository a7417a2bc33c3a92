// The one place where Vigie's error policy meets BullMQ:
// - ThrottledError: the job goes back to the delayed set without spending an attempt, for as long
//   as its run's bookkeeping lives (a politeness queue on one host can be long; a count of throttles
//   would fail the pages at the back of it);
// - RetryableError and unknown errors: rethrown, BullMQ retries with backoff;
// - NonRetryableError, or the last attempt: the outcome is recorded (onFinalFailure) and the job
//   fails with UnrecoverableError, so it is never lost and never retried in vain.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ThrottledError, VigieError, errorCode } from '../config/index.ts';
import { RUN_TTL_SECS } from './redis-keys.ts';

/** How long a job may keep being throttled, from its first throttle. */
export const MAX_THROTTLED_MS = RUN_TTL_SECS * 1000;

interface ThrottleState {
  throttles?: number;
  throttledSince?: number;
}

export interface JobPolicyHooks<D> {
  onFinalFailure(job: Job<D>, err: unknown): Promise<void>;
}

export function isFinalAttempt(job: Job, err: unknown): boolean {
  const retryable = err instanceof VigieError ? err.retryable : true;
  return !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function withJobPolicy<D extends object, R>(
  process: (job: Job<D>) => Promise<R>,
  hooks: JobPolicyHooks<D>,
): (job: Job<D>, token?: string) => Promise<R> {
  return async (job, token) => {
    try {
      return await process(job);
    } catch (err) {
      const state = job.data as ThrottleState;
      const now = Date.now();
      const throttledSince = state.throttledSince ?? now;
      if (err instanceof ThrottledError && now - throttledSince < MAX_THROTTLED_MS && token) {
        await job.updateData({ ...job.data, throttles: (state.throttles ?? 0) + 1, throttledSince });
        await job.moveToDelayed(now + err.retryAfterMs, token);
        throw new DelayedError();
      }
      if (err instanceof ThrottledError || isFinalAttempt(job, err)) {
        await hooks.onFinalFailure(job, err);
        const message = err instanceof Error ? err.message : String(err);
        const final = new UnrecoverableError(`${errorCode(err)}: ${message}`);
        final.cause = err;
        throw final;
      }
      throw err;
    }
  };
}
