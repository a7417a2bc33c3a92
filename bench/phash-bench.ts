// Hash-list benchmark: pHash throughput on 640×480 JPEGs, and matching page media against a list
// of 1,000,000 pHashes (and 1,000,000 SHA-256) in the shared Redis store, as workers do.
// usage: node --import tsx bench/phash-bench.ts [--images 200] [--entries 1000000] [--queries 1000]
//        [--redis redis://127.0.0.1:6379]
// The images are synthetic scenes (test/helpers/synthetic-images.ts); list entries are random
// (uniform pHashes are the best case for band sizes: real lists cluster somewhat, see
// docs/hash-lists.md). Everything the bench writes to Redis is under its own prefix, removed at the end.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { PhashIndex, phashOfImage } from '../extractors/hashes/index.ts';
import type { HashListEntry } from '../extractors/hashes/index.ts';
import { HashLists } from '../workers/hash-lists.ts';
import { syntheticScene } from '../test/helpers/synthetic-images.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const IMAGES = arg('images', 200);
const ENTRIES = arg('entries', 1_000_000);
const QUERIES = arg('queries', 1000);
const PER_PAGE = 50;
const redisUrl = process.argv.includes('--redis') ? process.argv[process.argv.indexOf('--redis') + 1]! : 'redis://127.0.0.1:6379';

async function phashThroughput(): Promise<void> {
  // 20 distinct scenes, each re-encoded at several qualities: 640×480 JPEGs as a forum shows them.
  const jpegs: Buffer[] = [];
  for (let i = 0; i < IMAGES; i++) jpegs.push(await sharp(await syntheticScene(1 + (i % 20))).jpeg({ quality: 60 + (i % 4) * 10 }).toBuffer());
  const meanKb = jpegs.reduce((n, b) => n + b.length, 0) / jpegs.length / 1024;
  await phashOfImage(jpegs[0]!); // warm-up (libvips start)
  let started = performance.now();
  for (const jpeg of jpegs) await phashOfImage(jpeg);
  const sequentialMs = performance.now() - started;
  started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let i = next++; i < jpegs.length; i = next++) await phashOfImage(jpegs[i]!);
  }));
  const parallelMs = performance.now() - started;
  console.log(`pHash, ${IMAGES} JPEGs 640x480 (mean ${meanKb.toFixed(0)} KB):`);
  console.log(`  one at a time: ${(IMAGES / (sequentialMs / 1000)).toFixed(0)} images/s (${(sequentialMs / IMAGES).toFixed(2)} ms each)`);
  console.log(`  4 at a time (a page's media concurrency): ${(IMAGES / (parallelMs / 1000)).toFixed(0)} images/s`);
}

function randomEntries(count: number, kind: 'phash' | 'sha256'): HashListEntry[] {
  const bytes = randomBytes(count * (kind === 'phash' ? 8 : 32)).toString('hex');
  const width = kind === 'phash' ? 16 : 64;
  return Array.from({ length: count }, (_, i) => ({ hash: bytes.slice(i * width, (i + 1) * width), kind, line: i + 1 }));
}

async function matching(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `vigie-bench-phash-${randomBytes(4).toString('hex')}`;
  const lists = new HashLists(redis, prefix);
  try {
    const memoryBefore = await usedMemory(redis);
    await lists.ensure('bench-phash', 'child-abuse', 10);
    const stored = randomEntries(ENTRIES, 'phash');
    let started = performance.now();
    for (let i = 0; i < stored.length; i += 5000) await lists.add('bench-phash', stored.slice(i, i + 5000));
    const importPhashMs = performance.now() - started;
    const memoryPhash = await usedMemory(redis);

    await lists.ensure('bench-sha256', 'child-abuse');
    started = performance.now();
    const exact = randomEntries(ENTRIES, 'sha256');
    for (let i = 0; i < exact.length; i += 5000) await lists.add('bench-sha256', exact.slice(i, i + 5000));
    const importExactMs = performance.now() - started;
    const memoryExact = await usedMemory(redis);

    // Queries: a tenth near stored entries (3 to 9 bits flipped), the rest random (the usual case).
    const queries = randomEntries(QUERIES, 'phash').map((q, i) => (i % 10 === 0 ? flip(stored[i * 7]!.hash, 3 + (i % 7)) : q.hash));
    const sha = randomEntries(QUERIES, 'sha256').map((q, i) => (i % 10 === 0 ? exact[i]!.hash : q.hash));
    // The first match of a worker loads the list and builds its pHash index (then cached).
    started = performance.now();
    await lists.match([{ sha256: sha[0]!, phash: queries[0]! }]);
    console.log(`first match (load ${ENTRIES.toLocaleString('en')} pHashes from Redis, build the index): ${(performance.now() - started).toFixed(0)} ms; worker heap ${mb(process.memoryUsage().heapUsed)} MB`);
    for (const threshold of [6, 8, 10, 12]) {
      await lists.ensure('bench-phash', 'child-abuse', threshold);
      let matches = 0;
      started = performance.now();
      for (let i = 0; i < queries.length; i += PER_PAGE) {
        const page = queries.slice(i, i + PER_PAGE).map((phash, j) => ({ sha256: sha[i + j]!, phash }));
        matches += (await lists.match(page)).length;
      }
      const ms = performance.now() - started;
      console.log(`match, threshold ${threshold}: ${(QUERIES / (ms / 1000)).toFixed(0)} images/s against ${ENTRIES.toLocaleString('en')} pHashes + ${ENTRIES.toLocaleString('en')} SHA-256 `
        + `(${(ms / (QUERIES / PER_PAGE)).toFixed(1)} ms per page of ${PER_PAGE} images; ${matches} matches)`);
      // The search alone, without the Redis round trips of the exact kinds.
      const index = new PhashIndex(stored.slice(0, ENTRIES).map((e) => e.hash));
      started = performance.now();
      for (const query of queries) index.nearest(query, threshold);
      const searchMs = performance.now() - started;
      console.log(`  in-memory search alone: ${((searchMs * 1000) / QUERIES).toFixed(1)} µs per image`);
    }
    console.log(`import: ${(ENTRIES / (importPhashMs / 1000)).toFixed(0)} pHashes/s, ${(ENTRIES / (importExactMs / 1000)).toFixed(0)} SHA-256/s`);
    console.log(`Redis memory: ${mb(memoryPhash - memoryBefore)} MB for ${ENTRIES.toLocaleString('en')} pHashes, ${mb(memoryExact - memoryPhash)} MB for ${ENTRIES.toLocaleString('en')} SHA-256`);
  } finally {
    await lists.remove('bench-phash');
    await lists.remove('bench-sha256');
    await redis.quit();
  }
}

function flip(hex: string, bits: number): string {
  let value = BigInt(`0x${hex}`);
  for (let b = 0; b < bits; b++) value ^= 1n << BigInt((b * 13 + 5) % 64);
  return value.toString(16).padStart(16, '0');
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

await phashThroughput();
await matching();
