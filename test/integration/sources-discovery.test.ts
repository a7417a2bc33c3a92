// Sitemaps and feeds as seeds through the whole pipeline: a site whose only entry is a sitemap
// index announced in robots.txt, leading to sitemaps (one gzipped), an RSS and an Atom feed, a
// robots-disallowed sitemap, a broken one and a missing one. A second run enqueues only what is
// new or re-dated. Failing sources are counted and never stop the run.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { targetSchema, type WatchTargetInput } from '../../config/index.ts';
import { crawlOnce, type CrawlReport } from '../../cli/commands/crawl.ts';
import { redisKeys } from '../../workers/index.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const html = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body><main>${body}</main></body></html>`;
const urlset = (entries: Array<[string, string?]>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries
    .map(([loc, lastmod]) => `<url><loc>${loc}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`).join('')}</urlset>`;
const ITEM_PAGE = /^\/(page|post|news|blog|broken|private-item)\/\d+$/;

/** The site: its sources read from `state`, which a test changes between runs. */
async function startSourcesSite() {
  const state = { page2Lastmod: '2024-01-02', news: [1, 2] };
  const requests: string[] = [];
  let origin = '';
  const xml = (res: ServerResponse, body: string | Buffer, type = 'application/xml') => res.writeHead(200, { 'content-type': type }).end(body);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    requests.push(path);
    switch (path) {
      case '/robots.txt':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap-index.xml\n`);
      case '/':
        return res.writeHead(200, { 'content-type': 'text/html' }).end(html('<p>Nothing links from here.</p>'));
      case '/sitemap-index.xml':
        return xml(res, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${[
          '/sitemap-pages.xml', '/sitemap-posts.xml.gz', '/feed.rss', '/atom.xml', '/private/sitemap.xml', '/sitemap-broken.xml', '/sitemap-missing.xml',
        ].map((p) => `<sitemap><loc>${origin}${p}</loc></sitemap>`).join('')}</sitemapindex>`);
      case '/sitemap-pages.xml':
        return xml(res, urlset([[`${origin}/page/1`, '2024-01-01'], [`${origin}/page/2`, state.page2Lastmod], [`${origin}/page/3`]]));
      case '/sitemap-posts.xml.gz':
        return xml(res, gzipSync(urlset([[`${origin}/post/1`, '2024-02-01T10:00:00Z'], [`${origin}/post/2`, '2024-02-02T10:00:00Z']])), 'application/x-gzip');
      case '/feed.rss':
        return xml(res, `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>${origin}/</link>${state.news
          .map((n) => `<item><title>News ${n}</title><link>${origin}/news/${n}</link><pubDate>Mon, 0${n} Apr 2024 08:00:00 GMT</pubDate></item>`).join('')}
          <item><title>Elsewhere</title><link>http://elsewhere.invalid/story</link></item></channel></rss>`, 'application/rss+xml');
      case '/atom.xml':
        return xml(res, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><link rel="self" href="${origin}/atom.xml"/>
          <entry><title>1</title><link rel="alternate" href="/blog/1"/><updated>2024-03-01T00:00:00Z</updated></entry>
          <entry><title>2</title><link href="${origin}/blog/2"/><updated>2024-03-02T00:00:00Z</updated></entry></feed>`, 'application/atom+xml');
      case '/private/sitemap.xml':
        return xml(res, urlset([[`${origin}/private-item/1`]]));
      case '/not-a-feed.xml':
        return xml(res, html('<p>Soft 404: the page you asked for is gone.</p>'));
      case '/sitemap-broken.xml':
        return xml(res, `<urlset><url><loc>${origin}/broken/1</loc></url><url><loc>${origin}/bro`, 'text/xml');
      default:
        if (ITEM_PAGE.test(path)) return res.writeHead(200, { 'content-type': 'text/html' }).end(html(`<p>Item ${path}</p>`));
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not found</h1>');
    }
  };
  const site: TestServer = await startHttpServer(handler);
  origin = site.origin;
  cleanups.push(() => site.close());
  return { site, state, requests };
}

async function startPipeline(): Promise<TestPipeline> {
  const pipeline = await startTestPipeline('sources');
  cleanups.push(() => pipeline.close());
  return pipeline;
}

function sourcesTarget(site: TestServer, extra: Partial<WatchTargetInput> = {}) {
  return targetSchema.parse({
    id: 'sources', name: 'Sources', seeds: [site.url('/')], allowPrivate: true,
    politeness: { perHostConcurrency: 4, minDelayMs: 0 },
    sources: { sitemapsFromRobots: true },
    ...extra,
  });
}

async function runCounters(pipeline: TestPipeline, report: CrawlReport): Promise<Record<string, number>> {
  const fields = await pipeline.deps.redis.hgetall(redisKeys(pipeline.deps.settings.redisPrefix).run(report.runId));
  return Object.fromEntries(Object.entries(fields).filter(([name]) => name.startsWith('sources:') || name.startsWith('error:')).map(([k, v]) => [k, Number(v)]));
}

const itemPages = (requests: string[]) => requests.filter((path) => ITEM_PAGE.test(path)).sort();

describe('sitemaps and feeds as seeds', () => {
  it('crawls every item once, then only new and re-dated items on the next run', async () => {
    const { site, state, requests } = await startSourcesSite();
    const pipeline = await startPipeline();
    const target = sourcesTarget(site);

    const first = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    const all = ['/blog/1', '/blog/2', '/broken/1', '/news/1', '/news/2', '/page/1', '/page/2', '/page/3', '/post/1', '/post/2'];
    expect(itemPages(requests)).toEqual(all);
    // The run waited for its sources: the seed plus every item, no page error.
    expect(first).toMatchObject({ pages: 1 + all.length, errors: 0 });
    expect(requests).not.toContain('/private/sitemap.xml');
    const counters = await runCounters(pipeline, first);
    expect(counters).toMatchObject({
      'sources:documents': 6, // index, pages, posts (gzipped), RSS, Atom, broken
      'sources:items': all.length,
      'sources:new': all.length,
      'sources:skipped-robots': 1,
      'sources:out-of-scope': 1,
      'sources:errors': 1,
      'sources:error:http-status': 1, // the missing sitemap
    });
    expect(counters['sources:parse-errors']).toBeGreaterThan(0); // the broken sitemap

    state.news.push(3);
    state.page2Lastmod = '2024-03-15';
    requests.length = 0;
    const second = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    expect(itemPages(requests)).toEqual(['/news/3', '/page/2']);
    // Three pages fetched: the new item is indexed; the seed (and the re-dated page if its text is
    // the same) are recognised as unchanged since the first run.
    expect(second).toMatchObject({ errors: 0 });
    expect(second.pages + second.unchanged).toBe(3);
    expect(second.pages).toBeGreaterThanOrEqual(1);
    // The sources themselves are read again at every run.
    expect(requests).toEqual(expect.arrayContaining(['/sitemap-index.xml', '/sitemap-posts.xml.gz', '/feed.rss', '/atom.xml']));
    expect(await runCounters(pipeline, second)).toMatchObject({ 'sources:items': all.length + 1, 'sources:new': 2, 'sources:unchanged': all.length - 1 });
  });

  it('reads sources with robots ignored, and a third run with nothing new crawls only the seed', async () => {
    const { site, requests } = await startSourcesSite();
    const pipeline = await startPipeline();
    const target = sourcesTarget(site, { robots: 'ignore', robotsIgnoreReason: 'test', sources: { sitemaps: [site.url('/sitemap-pages.xml')], feeds: [site.url('/feed.rss')] } });
    await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    expect(itemPages(requests)).toEqual(['/news/1', '/news/2', '/page/1', '/page/2', '/page/3']);
    requests.length = 0;
    const again = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    expect(itemPages(requests)).toEqual([]);
    expect(again).toMatchObject({ pages: 0, unchanged: 1 });
    const counters = await runCounters(pipeline, again);
    // Zero counters are not written.
    expect(counters).toMatchObject({ 'sources:items': 5, 'sources:unchanged': 5 });
    expect(counters['sources:new']).toBeUndefined();
  });

  it('counts failing sources (network guard, gzip bomb, not a feed, an HTML page) and still crawls the seeds', async () => {
    const { site } = await startSourcesSite();
    // Not a seed origin: private addresses other than the seeds' own stay refused.
    const internal = await startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset([['http://127.0.0.2/x']])), '127.0.0.2');
    cleanups.push(() => internal.close());
    const bomb = await startHttpServer(routes({
      '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html('<p>Second seed.</p>')),
      '/sitemap.xml.gz': (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20))),
    }));
    cleanups.push(() => bomb.close());
    const pipeline = await startPipeline();
    const target = sourcesTarget(site, {
      allowPrivate: true,
      seeds: [site.url('/'), bomb.url('/')],
      fetch: { maxDecompressedBytes: 256 * 1024 },
      sources: { sitemaps: [bomb.url('/sitemap.xml.gz'), site.url('/not-a-feed.xml'), site.url('/')], feeds: [internal.url('/feed.xml')] },
    });
    const report = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    expect(internal.acceptedConnections()).toBe(0);
    const counters = await runCounters(pipeline, report);
    expect(counters).toMatchObject({
      'sources:errors': 4,
      'sources:error:network-refused': 1,
      'sources:error:decompressed-too-large': 1,
      'sources:error:source-unrecognized': 1,
      'sources:error:content-type-refused': 1,
    });
    expect(counters['sources:new']).toBeUndefined();
    expect(report).toMatchObject({ pages: 2, errors: 0 });
  });
});
