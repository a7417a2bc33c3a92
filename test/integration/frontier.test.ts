import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Frontier } from '../../workers/frontier.ts';
import { HostPoliteness } from '../../workers/politeness.ts';
import { RUN_TTL_SECS, redisKeys } from '../../workers/redis-keys.ts';
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

describe('Frontier caps against URL traps (real Redis)', () => {
  const cal = (month: number) => `http://site.test/cal?month=2024-${String(month).padStart(2, '0')}`;

  it('accepts the first N distinct query strings of a path and refuses the rest', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    const limits = { maxPages: 1000, maxQueryVariantsPerPath: 3 };
    expect(await frontier.claim('r1', 'j1', [cal(1), cal(2)], limits)).toEqual([cal(1), cal(2)]);
    // The bare path is not a variant; another path has its own allowance.
    expect(await frontier.claim('r1', 'j2', ['http://site.test/cal', cal(3), cal(4), cal(5), 'http://site.test/other?p=1'], limits))
      .toEqual(['http://site.test/cal', cal(3), 'http://site.test/other?p=1']);
    // Already-claimed variants are duplicates, not refusals.
    expect(await frontier.claim('r1', 'j3', [cal(1), cal(6)], limits)).toEqual([]);
    const run = await redis.hgetall(keys.run('r1'));
    expect(run).toMatchObject({ pending: '5', 'capped:query-variants': '3' });
    expect(run.capped).toBeUndefined();
    // The same path on another host, or with https, is another path.
    expect(await frontier.claim('r1', 'j4', ['https://site.test/cal?month=2024-09', 'http://mirror.test/cal?month=2024-09'], limits))
      .toHaveLength(2);
  });

  it('caps pages per host and names the cap that refused each URL', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    const limits = { maxPages: 5, maxPagesPerHost: 2, maxQueryVariantsPerPath: 1 };
    const urls = ['http://a.test/1', 'http://a.test/2', 'http://a.test/3', 'http://a.test:8080/1', 'http://b.test/1', 'http://b.test/q?x=1', 'http://b.test/q?x=2'];
    expect(await frontier.claim('r1', 'j1', urls, limits)).toEqual(['http://a.test/1', 'http://a.test/2', 'http://a.test:8080/1', 'http://b.test/1', 'http://b.test/q?x=1']);
    // The run is now full: a new host meets the run's page cap.
    expect(await frontier.claim('r1', 'j2', ['http://c.test/1'], limits)).toEqual([]);
    expect(await redis.hgetall(keys.run('r1'))).toMatchObject({
      pending: '5', capped: '1', 'capped:host': '1', 'capped:query-variants': '1',
    });
  });

  it('gives a retried claimer its URLs back even once a cap is reached, counting nothing twice', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    const limits = { maxPages: 100, maxPagesPerHost: 2 };
    await frontier.claim('r1', 'j1', ['http://a.test/1', 'http://a.test/2'], limits);
    expect(await frontier.claim('r1', 'j1', ['http://a.test/1', 'http://a.test/2'], limits)).toEqual(['http://a.test/1', 'http://a.test/2']);
    expect(await redis.hget(keys.run('r1'), 'pending')).toBe('2');
    expect(await redis.hget(keys.runHostPages('r1'), 'a.test')).toBe('2');
    expect(await redis.hget(keys.run('r1'), 'capped:host')).toBeNull();
  });

  it('gives released claims back to the caps', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    const limits = { maxPages: 100, maxPagesPerHost: 2, maxQueryVariantsPerPath: 1 };
    await frontier.claim('r1', 'j1', [cal(1), 'http://site.test/x'], limits);
    expect(await frontier.claim('r1', 'j2', [cal(2)], limits)).toEqual([]);
    // Another job's claims are not released by j2.
    expect(await frontier.release('r1', 'j2', [cal(1)])).toBe(0);
    expect(await frontier.release('r1', 'j1', [cal(1), 'http://site.test/x'])).toBe(2);
    expect(await redis.hget(keys.run('r1'), 'pending')).toBe('0');
    expect(await frontier.claim('r1', 'j2', [cal(2), 'http://site.test/y'], limits)).toEqual([cal(2), 'http://site.test/y']);
  });

  it('holds the caps exactly under concurrent claims from many clients', async () => {
    const keys = redisKeys(prefix);
    const clients = Array.from({ length: 8 }, () => testRedis());
    try {
      const limits = { maxPages: 10_000, maxPagesPerHost: 25, maxQueryVariantsPerPath: 7 };
      const results = await Promise.all(clients.map((client, c) => {
        const frontier = new Frontier(client, keys);
        const urls = Array.from({ length: 20 }, (_, i) => `http://h${i % 2}.test/p${i % 4}?v=${c}-${i}`);
        return frontier.claim('r1', `job-${c}`, urls, limits);
      }));
      const accepted = results.flat();
      expect(new Set(accepted).size).toBe(accepted.length);
      // 2 hosts × 2 paths each × 7 variants = 28 accepted, 14 per host (under the host cap of 25).
      expect(accepted).toHaveLength(28);
      const run = await redis.hgetall(keys.run('r1'));
      expect(run).toMatchObject({ pending: '28', 'capped:query-variants': String(8 * 20 - 28) });
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('counts too-deep links once per discovery, leaving out URLs already in the frontier', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    await frontier.claim('r1', 'seed', ['http://a.test/'], 10);
    expect(await frontier.countTooDeep('r1', ['http://a.test/', 'http://a.test/deep', 'http://a.test/deeper'])).toBe(2);
    expect(await frontier.countTooDeep('r1', ['http://a.test/deep'])).toBe(1);
    expect(await redis.hget(keys.run('r1'), 'capped:depth')).toBe('3');
    expect(await redis.hget(keys.run('r1'), 'pending')).toBe('1');
  });

  it('keeps its per-run bookkeeping under the run TTL', async () => {
    const keys = redisKeys(prefix);
    const frontier = new Frontier(redis, keys);
    await frontier.claim('r1', 'j1', ['http://a.test/p?x=1'], { maxPages: 10, maxPagesPerHost: 5, maxQueryVariantsPerPath: 5 });
    for (const key of [keys.runSeen('r1'), keys.runHostPages('r1'), keys.runQueryVariants('r1')]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(RUN_TTL_SECS);
    }
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
