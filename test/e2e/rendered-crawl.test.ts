// The whole evidence chain through the real CLI, Redis and Chromium: a site whose pages exist only
// once JavaScript runs is crawled with `--render always`; its text, links and entities are found;
// the run's WARC files parse back with warcio; screenshots are stored; `vigie evidence verify`
// passes, then fails once a single byte of one artifact is changed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, runVigie } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';
import { readWarc, type ReadRecord } from '../helpers/warc-read.ts';

const PAGES = 5;
const WALLET = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
const CHROMIUM = '/usr/bin/chromium';

// Every page is the same empty shell; app.js builds its text and links, part of it from JSON
// fetched with XHR. Plain HTTP sees no text and no links at all.
const SHELL = '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Chargement…</title></head>'
  + '<body><div id="app"></div><noscript>Activez JavaScript</noscript><script src="/app.js"></script></body></html>';
const APP_JS = `
const n = Number(location.pathname.split('/').pop()) || 0;
const app = document.getElementById('app');
document.title = 'Annonce ' + n;
fetch('/api/post/' + n + '.json').then((r) => r.json()).then((post) => {
  const article = document.createElement('article');
  for (const line of post.paragraphs) {
    const p = document.createElement('p');
    p.textContent = line;
    article.appendChild(p);
  }
  app.appendChild(article);
  const nav = document.createElement('nav');
  for (const link of post.links) {
    const a = document.createElement('a');
    a.href = link;
    a.textContent = 'annonce ' + link;
    nav.appendChild(a);
  }
  app.appendChild(nav);
});`;

function post(n: number): { paragraphs: string[]; links: string[] } {
  const paragraphs = [
    `Annonce numéro ${n} du forum de démonstration, rédigée pour le test de rendu de Vigie.`,
    'Livraison discrète partout en France, paiement en bitcoin uniquement, réponse sous 24 heures.',
  ];
  if (n === 3) paragraphs.push(`Vente de cocaïne et d'héroïne pure, envoi discret, payez en BTC à l'adresse ${WALLET} avant expédition.`);
  const links = n === 0 ? Array.from({ length: PAGES }, (_, i) => `/post/${i + 1}`) : ['/post/0'];
  return { paragraphs, links };
}

let site: TestServer;
let workDir: string;
let dataDir: string;
let prefix: string;
const env = () => ({ VIGIE_REDIS_PREFIX: prefix, VIGIE_CHROMIUM_PATH: CHROMIUM, VIGIE_RENDER_CONCURRENCY: '2' });

describe.skipIf(!existsSync(CHROMIUM))('a JavaScript-only site crawled with rendering, with its evidence', () => {
  let report: { pages: number; rendered: number; errors: number; errorsByCode: Record<string, number>; alerts: number };

  beforeAll(async () => {
    site = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = /^\/api\/post\/(\d+)\.json$/.exec(url.pathname);
      if (url.pathname === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(APP_JS);
      } else if (json) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(post(Number(json[1]))));
      } else if (url.pathname === '/' || /^\/post\/\d+$/.test(url.pathname)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SHELL);
      } else {
        res.writeHead(404).end();
      }
    });
    workDir = mkdtempSync(join(tmpdir(), 'vigie-rendered-'));
    dataDir = join(workDir, 'data');
    prefix = uniquePrefix('rendered');
    const crawl = await runVigie([
      'crawl', `${site.origin}/post/0`, '--render', 'always', '--allow-private', '--max-pages', '20', '--depth', '3',
      '--delay-ms', '0', '--concurrency', '4', '--json', '--data-dir', dataDir,
    ], { env: env(), timeoutMs: 150_000 });
    expect(crawl.code, crawl.stderr).toBe(0);
    report = lastJson(crawl.stdout);
  }, 180_000);

  afterAll(async () => {
    await site?.close();
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('renders every page, follows the links only the DOM has, and finds the text and entities', async () => {
    expect(report).toMatchObject({ pages: PAGES + 1, rendered: PAGES + 1, errors: 0 });
    expect(report.alerts).toBeGreaterThanOrEqual(1);

    const byEntity = await runVigie(['search', '--entity', `btc:${WALLET}`, '--json', '--data-dir', dataDir], { env: env() });
    expect(byEntity.code, byEntity.stderr).toBe(0);
    const found = lastJson<{ total: number; hits: { url: string }[] }>(byEntity.stdout);
    expect(found.hits.map((hit) => hit.url)).toEqual([`${site.origin}/post/3`]);

    const byText = await runVigie(['search', 'livraison discrète', '--json', '--data-dir', dataDir], { env: env() });
    expect(lastJson<{ total: number }>(byText.stdout).total).toBe(PAGES + 1);
  });

  it('writes WARC files that warcio reads back: request, response, metadata and rendered resources', async () => {
    const files = warcFiles(join(dataDir, 'warc'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((file) => file.endsWith('.warc.gz'))).toBe(true);
    const records: ReadRecord[] = [];
    for (const file of files) records.push(...(await readWarc(file)));

    expect(records.filter((r) => r.type === 'warcinfo')).toHaveLength(files.length);
    const responses = records.filter((r) => r.type === 'response');
    expect(new Set(responses.map((r) => r.targetUri))).toEqual(new Set(Array.from({ length: PAGES + 1 }, (_, i) => `${site.origin}/post/${i}`)));
    expect(responses.every((r) => r.httpStatus === 200 && r.header('WARC-IP-Address') === '127.0.0.1')).toBe(true);
    expect(responses.every((r) => r.payload.toString('utf8') === SHELL)).toBe(true);
    expect(records.filter((r) => r.type === 'request')).toHaveLength(PAGES + 1);
    expect(records.filter((r) => r.type === 'metadata')).toHaveLength(PAGES + 1);
    const resources = records.filter((r) => r.type === 'resource');
    const doms = resources.filter((r) => r.header('Content-Type')?.startsWith('text/html'));
    const shots = resources.filter((r) => r.header('Content-Type') === 'image/png');
    expect(doms).toHaveLength(PAGES + 1);
    expect(shots).toHaveLength(PAGES + 1);
    expect(doms.some((r) => r.payload.toString('utf8').includes(WALLET))).toBe(true);
  });

  it('stores a full-page screenshot per page and verifies every artifact and signature', async () => {
    const artifacts = join(dataDir, 'evidence', 'sha256');
    const pngs = listFiles(artifacts).filter((file) => readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
    expect(pngs.length).toBeGreaterThanOrEqual(1);

    const ok = await runVigie(['evidence', 'verify', '--data-dir', dataDir], { env: env() });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`: ${PAGES + 1} manifest\\(s\\)`));

    // One byte of one screenshot changes: the artifact no longer matches its hash.
    const victim = pngs[0]!;
    const bytes = readFileSync(victim);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(victim, bytes);
    const failed = await runVigie(['evidence', 'verify', '--data-dir', dataDir], { env: env() });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/artifact-hash-mismatch/);
    expect(failed.stdout).toMatch(/screenshot/);
  });
});

function warcFiles(dir: string): string[] {
  return listFiles(dir).filter((file) => /\.warc\.gz(\.open)?$/.test(file));
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
