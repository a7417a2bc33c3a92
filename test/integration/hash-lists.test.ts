// The shared hash-list store on the real Redis: exact SHA-256/MD5 matches, pHash matches within the
// list's threshold found through the band index (checked against a brute-force scan), duplicates
// counted, per-entry categories, removal, and two store instances (two workers) seeing one state.
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/index.ts';
import { hammingDistanceHex } from '../../extractors/hashes/phash.ts';
import type { HashListEntry } from '../../extractors/hashes/hash-list-parser.ts';
import { HashLists } from '../../workers/hash-lists.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

let redis: Redis;
let prefix: string;
let lists: HashLists;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('hashlists');
  lists = new HashLists(redis, prefix);
});

afterEach(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

const entry = (hash: string, kind: HashListEntry['kind'], extra: Partial<HashListEntry> = {}): HashListEntry => ({ hash, kind, line: 1, ...extra });

function flipBits(hex: string, bits: number[]): string {
  let value = BigInt(`0x${hex}`);
  for (const bit of bits) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

function randomPhash(random: () => number): string {
  return Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
}

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('HashLists', () => {
  it('imports, counts duplicates and matches exact hashes', async () => {
    await lists.ensure('partner-a', 'child-abuse');
    expect(await lists.add('partner-a', [entry(SHA, 'sha256'), entry(MD5, 'md5', { source: 'ncmec', comment: 'x' }), entry(SHA, 'sha256')])).toEqual({ added: 2, duplicates: 1 });
    expect(await lists.add('partner-a', [entry(MD5, 'md5')])).toEqual({ added: 0, duplicates: 1 });
    const [info] = await lists.list();
    expect(info).toMatchObject({ name: 'partner-a', category: 'child-abuse', phashThreshold: 8, counts: { sha256: 1, md5: 1, phash: 0 }, phashVersion: '' });

    const matches = await lists.match([{ sha256: 'f'.repeat(64), md5: MD5 }, { sha256: SHA }]);
    expect(matches).toEqual([
      { item: 1, list: 'partner-a', category: 'child-abuse', kind: 'sha256', hash: SHA, listHash: SHA, distance: 0, meta: {} },
      { item: 0, list: 'partner-a', category: 'child-abuse', kind: 'md5', hash: MD5, listHash: MD5, distance: 0, meta: { source: 'ncmec', comment: 'x' } },
    ]);
  });

  it('finds every pHash within the threshold and nothing beyond, as a brute-force scan would', async () => {
    await lists.ensure('phashes', 'child-abuse', 10);
    const random = seeded(7);
    const stored = Array.from({ length: 3000 }, () => randomPhash(random));
    expect((await lists.add('phashes', stored.map((hash) => entry(hash, 'phash')))).added).toBe(stored.length);

    // Queries at known distances from stored entries (spread over all bands), plus random ones.
    const queries: string[] = [];
    for (let d = 0; d <= 14; d++) {
      const bits = Array.from({ length: d }, (_, i) => (i * 23 + d) % 64);
      queries.push(flipBits(stored[d * 100]!, [...new Set(bits)]));
    }
    for (let i = 0; i < 50; i++) queries.push(randomPhash(random));
    const matches = await lists.match(queries.map((phash) => ({ sha256: SHA.replace('e', '0'), phash })));

    const expected = queries.flatMap((query, item) => {
      const best = Math.min(...stored.map((s) => hammingDistanceHex(query, s)));
      return best <= 10 ? [{ item, distance: best }] : [];
    });
    expect(matches.map((m) => ({ item: m.item, distance: m.distance }))).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(11);
    for (const match of matches) expect(hammingDistanceHex(match.hash, match.listHash)).toBe(match.distance);
  });

  it('uses the entry category over the list category, and each list its own threshold', async () => {
    await lists.ensure('strict', 'child-abuse', 2);
    await lists.ensure('loose', 'terrorism', 12);
    const base = '0123456789abcdef';
    await lists.add('strict', [entry(base, 'phash')]);
    await lists.add('loose', [entry(base, 'phash', { category: 'hate' })]);
    const near = flipBits(base, [1, 17, 33, 49, 60]);
    const matches = await lists.match([{ sha256: SHA, phash: near }]);
    expect(matches.map((m) => [m.list, m.category, m.distance])).toEqual([['loose', 'hate', 5]]);
  });

  it('is shared by every instance on the same Redis, and removal drops everything', async () => {
    const other = new HashLists(redis, prefix);
    await lists.ensure('a', 'drugs');
    await lists.add('a', [entry(SHA, 'sha256'), entry('ffffffffffffffff', 'phash')]);
    expect(await other.match([{ sha256: SHA, phash: 'fffffffffffffffe' }])).toHaveLength(2);
    expect(await other.remove('a')).toBe(true);
    expect(await lists.remove('a')).toBe(false);
    expect(await lists.match([{ sha256: SHA, phash: 'ffffffffffffffff' }])).toEqual([]);
    expect(await redis.keys(`${prefix}:hash-list:*`)).toEqual([]);
  });

  it('rebuilds a worker pHash index when another process imports into the list or replaces it', async () => {
    const worker = new HashLists(redis, prefix);
    const importer = new HashLists(redis, prefix);
    await importer.ensure('p', 'child-abuse', 4);
    await importer.add('p', [entry('0000000000000000', 'phash')]);
    // Builds this worker's index; then the importer adds an entry the worker must see.
    expect(await worker.match([{ sha256: SHA, phash: 'fffffffffffffff0' }])).toEqual([]);
    await importer.add('p', [entry('ffffffffffffffff', 'phash')]);
    expect((await worker.match([{ sha256: SHA, phash: 'fffffffffffffff0' }])).map((m) => [m.listHash, m.distance])).toEqual([['ffffffffffffffff', 4]]);
    await importer.remove('p');
    await importer.ensure('p', 'hate', 4);
    await importer.add('p', [entry('00000000000000ff', 'phash')]);
    expect((await worker.match([{ sha256: SHA, phash: 'fffffffffffffff0' }]))).toEqual([]);
    expect((await worker.match([{ sha256: SHA, phash: '00000000000000fe' }])).map((m) => [m.category, m.distance])).toEqual([['hate', 1]]);
  });

  it('refuses bad names, categories, thresholds and a category change', async () => {
    await expect(lists.ensure('Bad Name', 'hate')).rejects.toBeInstanceOf(ConfigError);
    await expect(lists.ensure('x', 'kittens' as never)).rejects.toBeInstanceOf(ConfigError);
    await expect(lists.ensure('x', 'hate', 13)).rejects.toBeInstanceOf(ConfigError);
    await lists.ensure('x', 'hate');
    await expect(lists.ensure('x', 'drugs')).rejects.toThrow(/exists with category hate/);
    expect((await lists.ensure('x', 'hate', 4)).phashThreshold).toBe(4);
  });
});
