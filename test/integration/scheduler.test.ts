import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { parseTargetsYaml } from '../../config/index.ts';
import { TargetStore, applyTargets, createQueues, listSchedules, redisKeys, type Queues } from '../../workers/index.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

let redis: Redis;
let prefix: string;
let queues: Queues;
const logger = pino({ level: 'silent' });

const yaml = (targets: string) => parseTargetsYaml(`targets:\n${targets}`);
const hourly = `  - id: hourly\n    name: Hourly\n    seeds: [https://a.example/]\n    schedule: { intervalSecs: 3600 }\n`;
const nightly = `  - id: nightly\n    name: Nightly\n    seeds: [https://b.example/]\n    schedule: { cron: '0 2 * * *', timezone: Europe/Paris }\n`;
const manual = `  - id: manual\n    name: On demand\n    seeds: [https://c.example/]\n`;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('sched');
  queues = createQueues(redis, prefix);
});
afterEach(async () => {
  await queues.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('applyTargets (real Redis, BullMQ job schedulers)', () => {
  it('upserts one scheduler per scheduled target, never duplicating on re-apply', async () => {
    const store = new TargetStore(redis, redisKeys(prefix));
    const deps = { queues, targets: store, logger };
    for (let i = 0; i < 3; i++) await applyTargets(yaml(hourly + nightly + manual), deps);
    const schedulers = await queues.runs.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).toEqual(['target-hourly', 'target-nightly']);
    const nightlyScheduler = schedulers.find((s) => s.key === 'target-nightly');
    expect(nightlyScheduler).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Paris' });
    // One pending run job per scheduler, not one per apply.
    const counts = await queues.runs.getJobCounts('delayed', 'waiting', 'prioritized');
    expect((counts.delayed ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(2);
    expect((await store.list()).map((t) => t.id)).toEqual(['hourly', 'manual', 'nightly']);
  });

  it('changes a changed schedule and removes the schedules of removed or disabled targets', async () => {
    const store = new TargetStore(redis, redisKeys(prefix));
    const deps = { queues, targets: store, logger };
    await applyTargets(yaml(hourly + nightly), deps);
    const changed = hourly.replace('3600', '600') + nightly.replace("name: Nightly", 'name: Nightly\n    enabled: false');
    const result = await applyTargets(yaml(changed), deps);
    expect(result.scheduled).toEqual(['hourly']);
    expect(result.unscheduled).toEqual(['nightly']);
    const schedules = await queues.runs.getJobSchedulers(0, -1);
    expect(schedules.map((s) => [s.key, s.every])).toEqual([['target-hourly', 600_000]]);

    const removed = await applyTargets(yaml(manual), deps);
    expect(removed.removedTargets.sort()).toEqual(['hourly', 'nightly']);
    expect(await listSchedules(queues)).toEqual(new Map());
    expect((await store.list()).map((t) => t.id)).toEqual(['manual']);
  });
});
