// A page's images and files, fetched from a local server through the run's guard, hashed as they
// stream and matched against lists on the real Redis: what is collected, every failure counted
// (too large, not an image, 404, refused internal address, slow, corrupt) without failing the
// page, content-encoded bodies decoded, and a child-abuse pHash match asking for the screenshot
// to be withheld.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSchema } from '../../config/index.ts';
import { phashOfImage } from '../../extractors/hashes/index.ts';
import { HashLists } from '../../workers/hash-lists.ts';
import { hashPageMedia } from '../../workers/page-media.ts';
import { HostPoliteness } from '../../workers/politeness.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { buildRunContext, type RunContext } from '../../workers/run-context.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';
import { syntheticScene } from '../helpers/synthetic-images.ts';

let site: TestServer;
let redis: Redis;
let prefix: string;
let lists: HashLists;
let politeness: HostPoliteness;
const images: Record<string, Buffer> = {};
const FILE = Buffer.from('MZ fake installer bytes '.repeat(1000));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  const original = await syntheticScene(11);
  images.flagged = await sharp(original).resize(400, 300).jpeg({ quality: 60 }).toBuffer();
  images.other = await sharp(await syntheticScene(12)).png().toBuffer();
  images.srcsetLarge = await sharp(await syntheticScene(13)).webp().toBuffer();
  images.og = await sharp(await syntheticScene(14)).jpeg().toBuffer();
  images.gzipped = await sharp(await syntheticScene(15)).png().toBuffer();
  images.huge = Buffer.alloc(300_000, 1);
  images.small = await sharp(await syntheticScene(16, 64, 48)).png().toBuffer();
  site = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (type: string, body: Buffer, headers: Record<string, string> = {}) => res.writeHead(200, { 'content-type': type, ...headers }).end(body);
    switch (path) {
      case '/img/flagged.jpg': return send('image/jpeg', images.flagged!);
      case '/img/other.png': return send('image/png', images.other!);
      case '/img/large.webp': return send('image/webp', images.srcsetLarge!);
      case '/img/og.jpg': return send('application/octet-stream', images.og!);
      case '/img/gz.png': return send('image/png', zlib.gzipSync(images.gzipped!), { 'content-encoding': 'gzip' });
      case '/img/huge.png': {
        // No Content-Length: the cap must hold while streaming.
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(images.huge!.subarray(0, 150_000));
        res.end(images.huge!.subarray(150_000));
        return;
      }
      case '/img/login.png': return send('text/html', Buffer.from('<html>please log in</html>'));
      case '/img/corrupt.jpg': return send('image/jpeg', images.flagged!.subarray(0, 500));
      case '/img/slow.png': {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(images.other!.subarray(0, 100));
        return; // never ends
      }
      case '/files/setup.exe': return send('application/octet-stream', FILE);
      case '/img/small.png': return send('image/png', images.small!);
      case '/redirect.png': return void res.writeHead(302, { location: '/img/small.png' }).end();
      case '/img/polite-1.png': case '/img/polite-2.png': case '/img/polite-3.png': case '/img/polite-4.png': {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          send('image/png', images.small!);
        }, 150);
        return;
      }
      default: return void res.writeHead(404).end();
    }
  });
  redis = testRedis();
  prefix = uniquePrefix('media');
  lists = new HashLists(redis, prefix);
  politeness = new HostPoliteness(redis, redisKeys(prefix));
  await lists.ensure('csam-partner', 'child-abuse');
  await lists.add('csam-partner', [{ hash: await phashOfImage(original), kind: 'phash', line: 1, source: 'partner' }]);
  await lists.ensure('malware', 'hacking');
  await lists.add('malware', [{ hash: sha256(FILE), kind: 'sha256', line: 1 }]);
});

afterAll(async () => {
  await site?.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function run(media: Record<string, unknown> = {}, perHostConcurrency = 4): RunContext {
  return buildRunContext('run-media', targetSchema.parse({
    id: 'media', name: 'media', seeds: [site.url('/')], allowPrivate: true, politeness: { minDelayMs: 0, perHostConcurrency },
    media: { timeoutMs: 10_000, ...media },
  }));
}

const deps = () => ({ hashLists: lists, politeness, logger: pino({ level: 'silent' }) });

describe('hashPageMedia', () => {
  it('hashes the images and files a page shows, and matches them against the lists', async () => {
    const html = `<html><head><meta property="og:image" content="/img/og.jpg"></head><body>
      <img src="/img/flagged.jpg"><img src="img/other.png" srcset="/img/other.png 1x, /img/large.webp 2x">
      <picture><source srcset="/img/gz.png"><img src="/img/other.png"></picture>
      <img src="data:image/png;base64,${images.other!.toString('base64')}">
      <a href="/files/setup.exe">download</a><a href="/about">about</a></body></html>`;
    const context = run();
    const result = await hashPageMedia({ pageUrl: site.url('/page'), html: [html], leaseId: 'job-1' }, context, deps());
    await context.guard.close();

    expect(result.counters).toMatchObject({ 'media:hashed': 7, 'media:matches': 2 });
    expect(result.counters['media:errors']).toBeUndefined();
    const byUrl = new Map(result.media.map((m) => [m.url, m]));
    expect(byUrl.get(site.url('/img/flagged.jpg'))).toMatchObject({ kind: 'image', sha256: sha256(images.flagged!), bytes: images.flagged!.length, mediaType: 'image/jpeg' });
    expect(byUrl.get(site.url('/img/gz.png'))?.sha256).toBe(sha256(images.gzipped!));
    expect(byUrl.get(site.url('/img/og.jpg'))?.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(byUrl.get(site.url('/img/large.webp'))).toBeDefined();
    expect(byUrl.get(site.url('/files/setup.exe'))).toMatchObject({ kind: 'file', sha256: sha256(FILE), md5: createHash('md5').update(FILE).digest('hex') });
    expect(byUrl.get(site.url('/files/setup.exe'))?.phash).toBeUndefined();
    const inline = result.media.find((m) => m.url.startsWith('data:'));
    expect(inline).toMatchObject({ sha256: sha256(images.other!), mediaType: 'image/png' });
    expect(inline!.url.length).toBeLessThan(100);

    const categories = result.flags.map((f) => f.category).sort();
    expect(categories).toEqual(['child-abuse', 'hacking']);
    const csam = result.flags.find((f) => f.category === 'child-abuse')!;
    expect(csam.score).toBeGreaterThan(0.9);
    expect(csam.rules[0]).toMatchObject({ ruleId: 'hashlist.csam-partner', terms: [], details: { mediaUrl: site.url('/img/flagged.jpg'), hashKind: 'phash', source: 'partner' } });
    expect(Number(csam.rules[0]!.details!.distance)).toBeLessThanOrEqual(10);
    expect(result.flags.find((f) => f.category === 'hacking')!.rules[0]).toMatchObject({ ruleId: 'hashlist.malware', weight: 1, details: { hashKind: 'sha256' } });
    expect(result.withhold).toEqual({ reason: 'hash-list-match', category: 'child-abuse', lists: ['csam-partner'], mediaUrls: [site.url('/img/flagged.jpg')] });
  }, 30_000);

  it('counts every failure by code and never throws', async () => {
    const html = `<img src="/img/huge.png"><img src="/img/login.png"><img src="/img/missing.png"><img src="/img/corrupt.jpg">
      <img src="/img/slow.png"><img src="http://169.254.169.254/latest/meta-data.png"><img src="/redirect.png">`;
    // The slow image's deadline is short; the machine may be busy, so not too short for the rest.
    const context = run({ maxImageBytes: 100_000, timeoutMs: 2500 });
    const result = await hashPageMedia({ pageUrl: site.url('/'), html: [html], leaseId: 'job-2' }, context, deps());
    await context.guard.close();
    expect(result.counters).toMatchObject({
      'media:hashed': 2,
      'media:errors': 5,
      'media:error:media-too-large': 1,
      'media:error:media-type-refused': 1,
      'media:error:http-status': 1,
      'media:error:timeout': 1,
      'media:error:network-refused': 1,
    });
    // Hashed, though it cannot be decoded: still matched on SHA-256 and MD5.
    expect(result.media.find((m) => m.url.endsWith('/corrupt.jpg'))).toMatchObject({ phashError: 'image-undecodable' });
    expect(result.media.find((m) => m.url.endsWith('/redirect.png'))?.sha256).toBe(sha256(images.small!));
    expect(result.flags).toEqual([]);
    expect(result.withhold).toBeNull();
  }, 30_000);

  it("fetches under the host's politeness concurrency, whatever the media concurrency", async () => {
    const html = [1, 2, 3, 4].map((n) => `<img src="/img/polite-${n}.png">`).join('');
    const context = run({ concurrency: 4 }, 1);
    const result = await hashPageMedia({ pageUrl: site.url('/'), html: [html], leaseId: 'job-5' }, context, deps());
    await context.guard.close();
    expect(result.counters['media:hashed']).toBe(4);
    expect(maxInFlight).toBe(1);
  }, 30_000);

  it('caps images and files per page, and honours the per-target switches', async () => {
    const html = `<img src="/img/other.png"><img src="/img/og.jpg"><img src="/img/large.webp"><a href="/files/setup.exe">x</a><a href="/files/b.zip">y</a>`;
    const capped = run({ maxImages: 2, maxFiles: 1 });
    const result = await hashPageMedia({ pageUrl: site.url('/'), html: [html, html], leaseId: 'job-3' }, capped, deps());
    expect(result.media.map((m) => m.url)).toEqual([site.url('/img/other.png'), site.url('/img/og.jpg'), site.url('/files/setup.exe')]);
    expect(result.counters['media:capped']).toBe(2);
    await capped.guard.close();

    const off = run({ enabled: false, files: false });
    expect(await hashPageMedia({ pageUrl: site.url('/'), html: [html], leaseId: 'job-4' }, off, deps())).toEqual({ media: [], flags: [], matches: [], withhold: null, counters: {} });
    await off.guard.close();
  }, 30_000);
});
