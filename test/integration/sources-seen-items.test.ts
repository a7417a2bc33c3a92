import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SeenItems } from '../../workers/seen-items.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

const redis = testRedis();
let prefix = '';
beforeEach(async () => {
  if (prefix) await deletePrefix(redis, prefix);
  prefix = uniquePrefix('seen-items');
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const day = 24 * 3600 * 1000;
const t0 = new Date('2024-06-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);

describe('SeenItems', () => {
  it('reports new and re-dated items, not unchanged ones, per target', async () => {
    const seen = new SeenItems(redis, prefix);
    const items = [
      { url: 'https://example.org/a', date: '2024-05-01T00:00:00.000Z' },
      { url: 'https://example.org/b', date: null },
    ];
    expect(await seen.changed('t1', items, t0)).toEqual(items);
    await seen.mark('t1', items, t0);

    expect(await seen.changed('t1', items, at(1))).toEqual([]);
    const next = [
      { url: 'https://example.org/a', date: '2024-05-02T00:00:00.000Z' },
      // Undated and seen before: nothing says it changed. Lost its date: neither.
      { url: 'https://example.org/b', date: null },
      { url: 'https://example.org/c', date: null },
    ];
    expect((await seen.changed('t1', next, at(1))).map((i) => i.url)).toEqual(['https://example.org/a', 'https://example.org/c']);
    expect(await seen.changed('t1', [{ url: 'https://example.org/a', date: null }], at(1))).toEqual([]);
    // Another target has seen nothing.
    expect(await seen.changed('t2', items, at(1))).toEqual(items);
  });

  it('keeps only the newest maxEntries', async () => {
    const seen = new SeenItems(redis, prefix, { maxEntries: 3 });
    const item = (n: number) => ({ url: `https://example.org/${n}`, date: null });
    for (let n = 0; n < 5; n++) await seen.mark('t', [item(n)], at(n));
    expect(await seen.size('t')).toBe(3);
    const changed = await seen.changed('t', [0, 1, 2, 3, 4].map(item), at(5));
    expect(changed.map((i) => i.url)).toEqual(['https://example.org/0', 'https://example.org/1']);
  });

  it('forgets entries older than the TTL, and on request', async () => {
    const seen = new SeenItems(redis, prefix, { ttlSecs: 10 * 24 * 3600 });
    const a = { url: 'https://example.org/a', date: null };
    const b = { url: 'https://example.org/b', date: null };
    await seen.mark('t', [a], at(0));
    await seen.mark('t', [b], at(8));
    expect(await seen.changed('t', [a, b], at(9))).toEqual([]);
    expect(await seen.changed('t', [a, b], at(11))).toEqual([a]);
    expect(await seen.size('t')).toBe(1);

    // The keys themselves expire too.
    const ttl = await redis.ttl(`${prefix}:target:{t}:seen-items`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 24 * 3600);

    await seen.forget('t', [b.url]);
    expect(await seen.changed('t', [b], at(11))).toEqual([b]);
  });

  it('handles batches larger than one round trip', async () => {
    const seen = new SeenItems(redis, prefix);
    const many = Array.from({ length: 1234 }, (_, i) => ({ url: `https://example.org/p/${i}`, date: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z` }));
    await seen.mark('t', many.slice(0, 1000), t0);
    const changed = await seen.changed('t', many, t0);
    expect(changed.map((i) => i.url)).toEqual(many.slice(1000).map((i) => i.url));
  });
});
