// The bounds of source discovery: sitemap index nesting, documents per run, foreign child
// sitemaps, and the run's page cap (items beyond it wait, unseen, for the next run).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { targetSchema, type WatchTargetInput } from '../../config/index.ts';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { redisKeys } from '../../workers/index.ts';
import { discoverSources } from '../../workers/source-discovery.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const html = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><main>${body}</main></body></html>`;

/** /index/N lists /index/N+1 (forever), /pages/N and a foreign sitemap; /pages/N lists /item/N-0..9. */
async function startChainSite(): Promise<{ site: TestServer; requests: string[] }> {
  const requests: string[] = [];
  let origin = '';
  const site = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    requests.push(path);
    const index = /^\/index\/(\d+)$/.exec(path);
    const pages = /^\/pages\/(\d+)$/.exec(path);
    if (index) {
      const n = Number(index[1]);
      const children = [`${origin}/index/${n + 1}`, `${origin}/pages/${n}`, 'http://elsewhere.invalid/sitemap.xml'];
      return res.writeHead(200, { 'content-type': 'application/xml' })
        .end(`<sitemapindex>${children.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`);
    }
    if (pages) {
      const entries = Array.from({ length: 10 }, (_, i) => `<url><loc>${origin}/item/${pages[1]}-${i}</loc><lastmod>2024-01-${String(10 + i).padStart(2, '0')}</lastmod></url>`);
      return res.writeHead(200, { 'content-type': 'application/xml' }).end(`<urlset>${entries.join('')}</urlset>`);
    }
    if (path === '/robots.txt') return res.writeHead(404).end();
    return res.writeHead(200, { 'content-type': 'text/html' }).end(html(`<p>${path}</p>`));
  });
  origin = site.origin;
  cleanups.push(() => site.close());
  return { site, requests };
}

async function startPipeline(): Promise<TestPipeline> {
  const pipeline = await startTestPipeline('sources-limits');
  cleanups.push(() => pipeline.close());
  return pipeline;
}

function chainTarget(site: TestServer, extra: Partial<WatchTargetInput> = {}) {
  return targetSchema.parse({
    id: 'chain', name: 'Chain', seeds: [site.url('/')], allowPrivate: true, maxDepth: 0,
    politeness: { perHostConcurrency: 4, minDelayMs: 0 },
    sources: { sitemaps: [site.url('/index/0')] },
    ...extra,
  });
}

async function counters(pipeline: TestPipeline, runId: string): Promise<Record<string, number>> {
  const fields = await pipeline.deps.redis.hgetall(redisKeys(pipeline.deps.settings.redisPrefix).run(runId));
  return Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith('sources:')).map(([k, v]) => [k, Number(v)]));
}

describe('source discovery limits', () => {
  it('follows sitemap indexes two levels deep, and never to another site', async () => {
    const { site, requests } = await startChainSite();
    const pipeline = await startPipeline();
    const report = await crawlOnce(pipeline.deps, chainTarget(site), { concurrency: 4, pollMs: 100 });
    const sources = requests.filter((p) => p.startsWith('/index/') || p.startsWith('/pages/')).sort();
    expect(sources).toEqual(['/index/0', '/index/1', '/index/2', '/pages/0', '/pages/1']);
    expect(await counters(pipeline, report.runId)).toMatchObject({
      'sources:documents': 5,
      'sources:skipped-depth': 3, // the children of /index/2
      'sources:skipped-foreign': 2, // listed by /index/0 and /index/1
      'sources:new': 20,
    });
    expect(report.pages).toBe(21);
  });

  it('stops at the document limit', async () => {
    const { site, requests } = await startChainSite();
    const pipeline = await startPipeline();
    const target = chainTarget(site);
    await pipeline.deps.runs.create('limits-run', target, new Date());
    const run = await pipeline.deps.runContexts.get('limits-run');
    const result = await discoverSources(pipeline.deps, run, {
      claimerJobId: 'run-limits-run', log: pino({ level: 'silent' }), limits: { maxDocuments: 2 },
    });
    expect(requests.filter((p) => p !== '/robots.txt')).toEqual(['/index/0', '/index/1']);
    // Left in the queue: /pages/0, /index/2, /pages/1.
    expect(result.counters).toMatchObject({ 'sources:documents': 2, 'sources:skipped-limit': 3 });
  });

  it('leaves items beyond the page cap unseen, newest first, for the next runs', async () => {
    const { site, requests } = await startChainSite();
    const pipeline = await startPipeline();
    const target = chainTarget(site, { maxPagesPerRun: 5, sources: { sitemaps: [site.url('/pages/7')] } });
    const items = () => requests.filter((p) => p.startsWith('/item/')).sort();

    const first = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    // The seed, then the four newest items.
    expect(items()).toEqual(['/item/7-6', '/item/7-7', '/item/7-8', '/item/7-9']);
    expect(await counters(pipeline, first.runId)).toMatchObject({ 'sources:new': 4, 'sources:deferred': 6 });

    requests.length = 0;
    const second = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    expect(items()).toEqual(['/item/7-2', '/item/7-3', '/item/7-4', '/item/7-5']);
    expect(await counters(pipeline, second.runId)).toMatchObject({ 'sources:new': 4, 'sources:unchanged': 4, 'sources:deferred': 2 });
  });
});
