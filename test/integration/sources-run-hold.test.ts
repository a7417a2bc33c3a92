// While its sources are read, a run counts one extra pending URL, so that it cannot end before
// their items are enqueued; a retried run job neither takes the hold twice nor counts twice.
import { afterEach, describe, expect, it } from 'vitest';
import { targetSchema } from '../../config/index.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { holdRunForSources, releaseRunHold } from '../../workers/source-discovery.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the run hold of source discovery', () => {
  it('is taken once, released once with its counters, and not taken again after', async () => {
    const pipeline: TestPipeline = await startTestPipeline('sources-hold');
    cleanups.push(() => pipeline.close());
    const { deps } = pipeline;
    const target = targetSchema.parse({ id: 'hold', name: 'Hold', seeds: ['http://127.0.0.1:9/'], sources: { feeds: ['http://127.0.0.1:9/feed'] } });
    await deps.runs.create('run-1', target, new Date());

    expect(await holdRunForSources(deps, 'run-1')).toBe('held');
    // A retried run job resumes the same discovery.
    expect(await holdRunForSources(deps, 'run-1')).toBe('resumed');
    expect(await deps.runs.summary('run-1')).toMatchObject({ pending: 1, status: 'running' });

    await releaseRunHold(deps, 'run-1', { 'sources:new': 3, 'sources:errors': 1, 'sources:error:http-status': 1 });
    await releaseRunHold(deps, 'run-1', { 'sources:new': 3, 'sources:errors': 1, 'sources:error:http-status': 1 });
    expect(await deps.runs.summary('run-1')).toMatchObject({ pending: 0, status: 'finished', errors: 0, sources: { new: 3, errors: 1, 'error:http-status': 1 } });
    expect(await holdRunForSources(deps, 'run-1')).toBe('ended');
    const keys = redisKeys(deps.settings.redisPrefix);
    expect(await deps.redis.hget(keys.run('run-1'), 'sources:new')).toBe('3');
  });
});
