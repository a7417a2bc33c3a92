// A page whose worker keeps dying on it: BullMQ's stalled-job check fails it without calling any
// processor. Vigie must still record that outcome, or the run's pending count would never reach
// zero. Here a second BullMQ worker takes the page job and "dies" (stops renewing its lock).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { targetSchema } from '../../config/index.ts';
import { QUEUE_NAMES, startWorkers, type RunSummary } from '../../workers/index.ts';
import { holdRunForSources } from '../../workers/source-discovery.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { testRedis } from '../helpers/redis.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The "crashing" worker: takes the next job of `queue` with a short lock and never finishes or
 * renews it. Returns the job's id.
 */
async function takeAndAbandon(queue: string, prefix: string): Promise<string | undefined> {
  const connection = testRedis();
  const crashing = new Worker(queue, null, { connection, prefix, lockDuration: 300, autorun: false });
  cleanups.push(async () => {
    await crashing.close(true);
    await connection.quit();
  });
  return (await crashing.getNextJob('dead-token'))?.id;
}

describe('a page that stalls beyond the limit', () => {
  it('is recorded as `stalled` and its run still finishes', async () => {
    const pipeline: TestPipeline = await startTestPipeline('stalled');
    cleanups.push(() => pipeline.close());
    const { deps } = pipeline;
    const target = targetSchema.parse({ id: 'stall', name: 'Stall', seeds: ['http://127.0.0.1:9/never-fetched'], allowPrivate: true });
    const runId = 'run-stalled';
    await deps.runs.create(runId, target, new Date());
    await deps.frontier.claim(runId, 'seeder', ['http://127.0.0.1:9/never-fetched'], 10);
    await deps.queues.pages.add('page', { runId, url: 'http://127.0.0.1:9/never-fetched', depth: 0 }, { jobId: 'page-stalled-1' });

    expect(await takeAndAbandon(QUEUE_NAMES.pages, deps.settings.redisPrefix)).toBe('page-stalled-1');

    // Vigie's workers, with a fast stalled check and no second chance.
    const workers = startWorkers(deps, { concurrency: 1, stalled: { checkIntervalMs: 200, maxStalledCount: 0 } });
    cleanups.push(() => workers.close());

    let run: RunSummary | null = null;
    for (let i = 0; i < 100 && run?.status !== 'finished'; i++) {
      await sleep(100);
      run = await deps.runs.summary(runId);
    }
    expect(run).toMatchObject({ status: 'finished', pending: 0, pages: 0, errors: 1, errorsByCode: { stalled: 1 } });
  });

  it('a run job that stalls beyond the limit during source discovery releases its hold, and the run ends', async () => {
    const pipeline: TestPipeline = await startTestPipeline('stalled-run');
    cleanups.push(() => pipeline.close());
    const { deps } = pipeline;
    const target = targetSchema.parse({
      id: 'stall-run', name: 'Stall run', seeds: ['http://127.0.0.1:9/'], allowPrivate: true,
      sources: { feeds: ['http://127.0.0.1:9/feed.xml'] },
    });
    const runId = 'run-stalled-discovery';
    // The run job had started: run created, discovery's hold taken, then its worker died.
    await deps.runs.create(runId, target, new Date());
    expect(await holdRunForSources(deps, runId)).toBe('held');
    await deps.queues.runs.add('run', { targetId: target.id, runId, target }, { jobId: runId });

    expect(await takeAndAbandon(QUEUE_NAMES.runs, deps.settings.redisPrefix)).toBe(runId);

    const workers = startWorkers(deps, { concurrency: 1, stalled: { checkIntervalMs: 200, maxStalledCount: 0 } });
    cleanups.push(() => workers.close());

    let run: RunSummary | null = null;
    for (let i = 0; i < 100 && run?.status !== 'finished'; i++) {
      await sleep(100);
      run = await deps.runs.summary(runId);
    }
    expect(run).toMatchObject({ status: 'finished', pending: 0, sources: { errors: 1, 'error:stalled': 1 } });
  });
});
