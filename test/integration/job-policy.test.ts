// The error policy against real BullMQ: throttled jobs go back to the delayed set without
// spending attempts, however many times, until the time bound; then they fail for good with
// their outcome recorded. Retryable errors spend attempts; non-retryable ones fail at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { NonRetryableError, RetryableError, ThrottledError } from '../../config/index.ts';
import { MAX_THROTTLED_MS, withJobPolicy } from '../../workers/job-policy.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

interface Data { kind: string; throttles?: number; throttledSince?: number }

let redis: Redis;
let prefix: string;
let queue: Queue<Data>;
let events: QueueEvents;
let worker: Worker<Data> | undefined;
const finalFailures: Array<{ id: string | undefined; err: unknown }> = [];

beforeEach(async () => {
  redis = testRedis();
  prefix = uniquePrefix('policy');
  queue = new Queue<Data>('policy', { connection: redis, prefix });
  events = new QueueEvents('policy', { connection: redis, prefix });
  await events.waitUntilReady();
  finalFailures.length = 0;
});
afterEach(async () => {
  await worker?.close();
  await events.close();
  await queue.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function startWorker(process: (job: Job<Data>) => Promise<string>) {
  worker = new Worker<Data>('policy', withJobPolicy<Data, string>(process, {
    onFinalFailure: async (job, err) => void finalFailures.push({ id: job.id, err }),
  }), { connection: redis, prefix, concurrency: 4 });
}

describe('withJobPolicy (real BullMQ)', () => {
  it('re-delays a throttled job many times without spending attempts, then lets it succeed', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      if (calls <= 60) throw new ThrottledError('host-politeness', 'busy host', 1);
      return 'done';
    });
    const job = await queue.add('j', { kind: 'throttled' }, { attempts: 2, jobId: 'throttled-1' });
    expect(await job.waitUntilFinished(events, 30_000)).toBe('done');
    const finished = await queue.getJob('throttled-1');
    expect(finished?.data.throttles).toBe(60);
    expect(finished?.attemptsMade).toBe(1);
    expect(finalFailures).toEqual([]);
  });

  it('fails a job throttled for longer than the bound, recording its outcome', async () => {
    startWorker(async () => {
      throw new ThrottledError('http-429', 'rate limited', 10);
    });
    const job = await queue.add('j', { kind: 'old', throttledSince: Date.now() - MAX_THROTTLED_MS - 1 }, { attempts: 3, jobId: 'old-1' });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/http-429: rate limited/);
    expect(finalFailures.map((f) => f.id)).toEqual(['old-1']);
  });

  it('spends attempts on retryable errors and records only the last one', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      throw new RetryableError('timeout', 'slow server');
    });
    const job = await queue.add('j', { kind: 'retry' }, { attempts: 3, backoff: { type: 'fixed', delay: 10 }, jobId: 'retry-1' });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/timeout: slow server/);
    expect(calls).toBe(3);
    expect(finalFailures.map((f) => f.id)).toEqual(['retry-1']);
  });

  it('fails non-retryable errors at once', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      throw new NonRetryableError('http-status', 'answered 404');
    });
    const job = await queue.add('j', { kind: 'final' }, { attempts: 3, jobId: 'final-1' });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/http-status: answered 404/);
    expect(calls).toBe(1);
    expect(finalFailures).toHaveLength(1);
    expect(finalFailures[0]!.err).toBeInstanceOf(NonRetryableError);
  });
});
