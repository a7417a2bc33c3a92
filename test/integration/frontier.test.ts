import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Frontier } from '../../workers/frontier.ts';
import { HostPoliteness } from '../../workers/politeness.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('frontier');
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('Frontier (real Redis)', () => {
  it('dedups URLs per run and caps the page count', async () => {
    const frontier = new Frontier(redis, redisKeys(prefix));
    expect(await frontier.claim('r1', 'job-a', ['u1', 'u2'], 3)).toEqual(['u1', 'u2']);
    // Another job discovering the same URLs gets nothing; the cap lets only one new URL in.
    expect(await frontier.claim('r1', 'job-b', ['u2', 'u3', 'u4'], 3)).toEqual(['u3']);
    // Another run has its own frontier.
    expect(await frontier.claim('r2', 'job-a', ['u1'], 3)).toEqual(['u1']);
    expect(await redis.hget(redisKeys(prefix).run('r1'), 'pending')).toBe('3');
    expect(await redis.hget(redisKeys(prefix).run('r1'), 'capped')).toBe('1');
  });

  it('gives a retried job its own URLs back without counting them twice', async () => {
    const frontier = new Frontier(redis, redisKeys(prefix));
    await frontier.claim('r1', 'job-a', ['u1', 'u2'], 100);
    expect(await frontier.claim('r1', 'job-a', ['u1', 'u2'], 100)).toEqual(['u1', 'u2']);
    expect(await redis.hget(redisKeys(prefix).run('r1'), 'pending')).toBe('2');
  });

  it('finishes each URL once and ends the run when nothing is pending', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    await redis.hset(keys.run('r1'), { status: 'running', startedAt: new Date().toISOString() });
    await frontier.claim('r1', 'seed', ['u1', 'u2'], 100);
    expect(await frontier.finish('r1', 'u1', { pages: 1, entities: 3 }, new Date())).toBe(1);
    expect(await frontier.finish('r1', 'u1', { pages: 1, entities: 3 }, new Date())).toBe(-1);
    expect(await frontier.isDone('r1', 'u1')).toBe(true);
    expect(await redis.hget(keys.run('r1'), 'status')).toBe('running');
    expect(await frontier.finish('r1', 'u2', { errors: 1, 'error:timeout': 1 }, new Date())).toBe(0);
    const run = await redis.hgetall(keys.run('r1'));
    expect(run).toMatchObject({ status: 'finished', pages: '1', entities: '3', errors: '1', 'error:timeout': '1', pending: '0' });
  });
});

describe('HostPoliteness (real Redis)', () => {
  it('limits concurrent leases per host across clients and frees them on release', async () => {
    const other = testRedis();
    try {
      const a = new HostPoliteness(redis, redisKeys(prefix));
      const b = new HostPoliteness(other, redisKeys(prefix));
      const policy = { maxConcurrent: 2, minDelayMs: 0, leaseTtlMs: 60_000 };
      const first = await a.tryAcquire('h.example', 'j1', policy);
      const second = await b.tryAcquire('h.example', 'j2', policy);
      expect(typeof first).toBe('object');
      expect(typeof second).toBe('object');
      expect(typeof (await a.tryAcquire('h.example', 'j3', policy))).toBe('number');
      expect(typeof (await b.tryAcquire('other.example', 'j4', policy))).toBe('object');
      if (typeof first === 'object') await first.release();
      expect(typeof (await b.tryAcquire('h.example', 'j3', policy))).toBe('object');
    } finally {
      await other.quit();
    }
  });

  it('enforces the minimum delay between two requests to one host', async () => {
    const politeness = new HostPoliteness(redis, redisKeys(prefix));
    const policy = { maxConcurrent: 10, minDelayMs: 5000, leaseTtlMs: 60_000 };
    const lease = await politeness.tryAcquire('slow.example', 'j1', policy);
    expect(typeof lease).toBe('object');
    const wait = await politeness.tryAcquire('slow.example', 'j2', policy);
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThanOrEqual(5000);
  });

  it('expires the lease of a crashed holder', async () => {
    const politeness = new HostPoliteness(redis, redisKeys(prefix));
    const policy = { maxConcurrent: 1, minDelayMs: 0, leaseTtlMs: 200 };
    expect(typeof (await politeness.tryAcquire('h.example', 'crashed', policy))).toBe('object');
    expect(typeof (await politeness.tryAcquire('h.example', 'next', policy))).toBe('number');
    await new Promise((r) => setTimeout(r, 300));
    expect(typeof (await politeness.tryAcquire('h.example', 'next', policy))).toBe('object');
  });
});
