// The child-abuse path end to end, through the real CLI, Redis and Chromium: a partner list is
// imported (`vigie hashes import`), a site is crawled with rendering; its page showing an image
// whose pHash is on the list (a synthetic picture, re-encoded: a perceptual, not exact, match)
// raises a child-abuse alert, explained; that page's screenshot is withheld (a signed
// `screenshot-withheld` artifact says why), while an ordinary page keeps its screenshot; and the
// image's bytes are nowhere under the data directory (files, WARC payloads, evidence artifacts).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phashOfImage } from '../../extractors/hashes/index.ts';
import { createIndex } from '../../indexer/index.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { lastJson, runVigie } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';
import { syntheticScene } from '../helpers/synthetic-images.ts';
import { readWarc } from '../helpers/warc-read.ts';

const CHROMIUM = '/usr/bin/chromium';
const page = (title: string, body: string) =>
  `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>`
  + `<p>Forum de démonstration pour le test de correspondance d'empreintes d'images de Vigie, page ${title}.</p>${body}</main></body></html>`;

let site: TestServer;
let workDir: string;
let dataDir: string;
let prefix: string;
let flagged: Buffer;
let innocent: Buffer;
let report: { pages: number; errors: number; rendered: number; alerts: number; media: Record<string, number> };
const env = () => ({ VIGIE_REDIS_PREFIX: prefix, VIGIE_CHROMIUM_PATH: CHROMIUM, VIGIE_RENDER_CONCURRENCY: '1' });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!existsSync(CHROMIUM))('a crawl that meets an image on a child-abuse hash list', () => {
  beforeAll(async () => {
    const original = await syntheticScene(101);
    // What the site serves: the listed picture, resized and recompressed.
    flagged = await sharp(original).resize(480, 360).jpeg({ quality: 70 }).toBuffer();
    innocent = await sharp(await syntheticScene(202)).resize(320, 240).jpeg({ quality: 80 }).toBuffer();
    site = await startHttpServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('accueil', '<a href="/galerie">galerie</a> <img src="/img/paysage.jpg" alt="paysage">'));
      else if (path === '/galerie') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('galerie', '<img src="/img/photo-1.jpg" alt="photo"> <a href="/">accueil</a>'));
      else if (path === '/img/photo-1.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(flagged);
      else if (path === '/img/paysage.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(innocent);
      else res.writeHead(404).end();
    });
    workDir = mkdtempSync(join(tmpdir(), 'vigie-hashmatch-'));
    dataDir = join(workDir, 'data');
    prefix = uniquePrefix('hashmatch');

    const listFile = join(workDir, 'partner.csv');
    writeFileSync(listFile, `\ufeffphash,source,comment\r\n${(await phashOfImage(original)).toUpperCase()},partner-a,synthetic test picture\r\nnot-a-hash,x,y\r\n`);
    const imported = await runVigie(['hashes', 'import', listFile, '--list', 'partner-a', '--category', 'child-abuse', '--json', '--data-dir', dataDir], { env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    expect(lastJson(imported.stdout)).toMatchObject({ added: 1, duplicates: 0, rejected: 1 });
    expect(imported.stderr).toContain(`${listFile}:3: "not-a-hash" is not a hexadecimal hash`);

    const crawl = await runVigie([
      'crawl', `${site.origin}/`, '--render', 'always', '--allow-private', '--max-pages', '10', '--depth', '2',
      '--delay-ms', '0', '--concurrency', '2', '--json', '--data-dir', dataDir,
    ], { env: env(), timeoutMs: 150_000 });
    expect(crawl.code, crawl.stderr).toBe(0);
    report = lastJson(crawl.stdout);
  }, 200_000);

  afterAll(async () => {
    await site?.close();
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('raises an explained child-abuse alert for the page with the listed image', async () => {
    expect(report).toMatchObject({ pages: 2, rendered: 2, errors: 0 });
    expect(report.media).toMatchObject({ hashed: 2, matches: 1 });
    const alerts = await runVigie(['alerts', 'list', '--category', 'child-abuse', '--json', '--data-dir', dataDir], { env: env() });
    const list = lastJson<{ category: string; ruleIds: string[]; urls: string[]; score: number }[]>(alerts.stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ category: 'child-abuse', ruleIds: ['hashlist.partner-a'], urls: [`${site.origin}/galerie`] });

    const pages = await indexedPages();
    const galerie = pages.find((p) => p.url === `${site.origin}/galerie`)!;
    const flag = galerie.flags.find((f) => f.category === 'child-abuse')!;
    expect(flag.rules[0]!.details).toMatchObject({ mediaUrl: `${site.origin}/img/photo-1.jpg`, hashKind: 'phash', source: 'partner-a' });
    expect(Number(flag.rules[0]!.details!.distance)).toBeLessThanOrEqual(10);
    expect(galerie.media).toEqual([expect.objectContaining({ url: `${site.origin}/img/photo-1.jpg`, sha256: sha256(flagged), bytes: flagged.length, mediaType: 'image/jpeg' })]);
    expect(pages.find((p) => p.url === `${site.origin}/`)!.flags.some((f) => f.category === 'child-abuse')).toBe(false);
  });

  it('withholds that page screenshot, says why in the signed manifest, keeps the other one', async () => {
    const pages = await indexedPages();
    const roles = (url: string) => pages.find((p) => p.url === url)!.evidence!.artifacts.map((a) => a.role);
    expect(roles(`${site.origin}/galerie`)).not.toContain('screenshot');
    expect(roles(`${site.origin}/galerie`)).toContain('screenshot-withheld');
    expect(roles(`${site.origin}/`)).toContain('screenshot');

    const withheld = pages.find((p) => p.url === `${site.origin}/galerie`)!.evidence!.artifacts.find((a) => a.role === 'screenshot-withheld')!;
    const record = JSON.parse(readFileSync(join(dataDir, 'evidence', 'sha256', withheld.sha256.slice(0, 2), withheld.sha256.slice(2, 4), withheld.sha256), 'utf8'));
    expect(record).toMatchObject({ reason: 'hash-list-match', category: 'child-abuse', lists: ['partner-a'], mediaUrls: [`${site.origin}/img/photo-1.jpg`] });

    const verify = await runVigie(['evidence', 'verify', '--data-dir', dataDir], { env: env() });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // In the WARC: one screenshot (the ordinary page), none for /galerie.
    const records = (await Promise.all(listFiles(join(dataDir, 'warc')).filter((f) => /\.warc\.gz$/.test(f)).map((f) => readWarc(f)))).flat();
    const shots = records.filter((r) => r.type === 'resource' && r.header('Content-Type') === 'image/png');
    expect(shots).toHaveLength(1);
    expect(records.some((r) => r.type === 'metadata' && r.payload.toString('utf8').includes('vigie-screenshot-withheld: hash-list-match: child-abuse'))).toBe(true);
  });

  it('keeps no byte of the image anywhere under the data directory', async () => {
    const needles = [flagged.subarray(200, 264), flagged.subarray(flagged.length - 100, flagged.length - 36)];
    const imageSha = sha256(flagged);
    const files = listFiles(dataDir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const raw = readFileSync(file);
      const contents = [raw];
      // WARC members are gzipped: look inside them too.
      if (file.endsWith('.gz')) contents.push(zlib.gunzipSync(raw));
      for (const bytes of contents) for (const needle of needles) expect(bytes.includes(needle), file).toBe(false);
      expect(file.includes(imageSha), file).toBe(false);
      expect(sha256(raw), file).not.toBe(imageSha);
    }
  });
});

describe('vigie hashes list and remove', () => {
  let dir: string;
  let cliPrefix: string;
  const cliEnv = () => ({ VIGIE_REDIS_PREFIX: cliPrefix });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-hashes-cli-'));
    cliPrefix = uniquePrefix('hashes-cli');
  });

  afterAll(async () => {
    const redis = testRedis();
    await deletePrefix(redis, cliPrefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists and removes lists, refuses PDQ and files with no usable hash', async () => {
    const file = join(dir, 'list.txt');
    writeFileSync(file, `${'ab'.repeat(32)}  a.jpg\n${'cd'.repeat(16)}  b.zip\n${'ab'.repeat(32)}  again.jpg\n`);
    const dataDir = join(dir, 'data');
    const imported = await runVigie(['hashes', 'import', file, '--list', 'malware', '--category', 'hacking', '--data-dir', dataDir], { env: cliEnv() });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('added 2, duplicate 1, rejected 0');

    const listed = await runVigie(['hashes', 'list', '--json', '--data-dir', dataDir], { env: cliEnv() });
    expect(lastJson(listed.stdout)).toEqual([expect.objectContaining({ name: 'malware', category: 'hacking', counts: { sha256: 1, md5: 1, phash: 0 } })]);

    const pdq = await runVigie(['hashes', 'import', file, '--list', 'x', '--category', 'hacking', '--kind', 'pdq', '--data-dir', dataDir], { env: cliEnv() });
    expect(pdq.code).toBe(64);
    expect(pdq.stderr).toContain('PDQ');
    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, 'sha256,comment\nnope,1\n');
    const bad = await runVigie(['hashes', 'import', junk, '--list', 'junk', '--category', 'hacking', '--data-dir', dataDir], { env: cliEnv() });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain(`${junk}:2: "nope" is not a hexadecimal hash`);

    expect((await runVigie(['hashes', 'remove', '--list', 'malware', '--data-dir', dataDir], { env: cliEnv() })).code).toBe(0);
    expect((await runVigie(['hashes', 'remove', '--list', 'malware', '--data-dir', dataDir], { env: cliEnv() })).code).toBe(1);
  }, 120_000);
});

async function indexedPages(): Promise<PageDocument[]> {
  const index = createIndex({ dataDir });
  await index.init();
  try {
    return (await index.scanPages({ limit: 100 })).pages;
  } finally {
    await index.close();
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
