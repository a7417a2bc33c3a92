// The one place where Vigie's error policy meets BullMQ:
// - ThrottledError: the job goes back to the delayed set without spending an attempt (bounded);
// - RetryableError and unknown errors: rethrown, BullMQ retries with backoff;
// - NonRetryableError, or the last attempt: the outcome is recorded (onFinalFailure) and the job
//   fails with UnrecoverableError, so it is never lost and never retried in vain.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ThrottledError, VigieError, errorCode } from '../config/index.ts';

export const MAX_THROTTLES = 50;

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
      const throttles = (job.data as { throttles?: number }).throttles ?? 0;
      if (err instanceof ThrottledError && throttles < MAX_THROTTLES && token) {
        await job.updateData({ ...job.data, throttles: throttles + 1 });
        await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
        throw new DelayedError();
      }
      if (err instanceof ThrottledError || isFinalAttempt(job, err)) {
        await hooks.onFinalFailure(job, err);
        const message = err instanceof Error ? err.message : String(err);
        throw new UnrecoverableError(`${errorCode(err)}: ${message}`);
      }
      throw err;
    }
  };
}
