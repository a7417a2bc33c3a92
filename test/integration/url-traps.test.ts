// URL traps through the full pipeline: an infinite calendar, endless path depth, session ids in
// every link, a link longer than the target's URL cap, and an endless tree on a second host. The
// crawl ends in bounded time, the run's counters name the caps that cut it, the good pages are
// indexed, and the internal address linked from the calendar is never contacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSchema } from '../../config/index.ts';
import { crawlOnce, type CrawlReport } from '../../cli/commands/crawl.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';
import { startTrapSite, startTreeSite, type TrapSite } from '../helpers/trap-server.ts';

const LOCAL_SCOPE = { sameHost: false, allow: ['^http://127\\.0\\.0\\.\\d+:\\d+/'] };
const FAST = {
  politeness: { perHostConcurrency: 8, minDelayMs: 0 },
  allowPrivate: true,
  fetch: { connectTimeoutMs: 1000, readTimeoutMs: 2000, totalTimeoutMs: 5000 },
};

async function runCounters(pipeline: TestPipeline, runId: string): Promise<Record<string, string>> {
  return pipeline.deps.redis.hgetall(redisKeys(pipeline.deps.settings.redisPrefix).run(runId));
}

async function expectGoodPagesIndexed(pipeline: TestPipeline, site: TrapSite): Promise<void> {
  for (const good of site.goodPages) {
    const result = await pipeline.index.search({ text: `"${good.marker}"` });
    expect(result.hits.map((hit) => hit.url), good.path).toEqual([site.server.url(good.path)]);
  }
}

describe('URL traps through the full pipeline', () => {
  let pipeline: TestPipeline;
  let site: TrapSite;
  let internal: TestServer;
  let report: CrawlReport;
  let counters: Record<string, string>;
  let elapsedMs: number;

  beforeAll(async () => {
    internal = await startHttpServer((_req, res) => res.end('internal'), '127.0.0.2');
    // The overlong link is under the default cap (2,048) but over this target's (512).
    site = await startTrapSite({ extraLinks: [internal.url('/admin')], overlongLinkChars: 1000 });
    pipeline = await startTestPipeline('url-traps');
    const target = targetSchema.parse({
      id: 'traps',
      name: 'Trap site',
      seeds: [site.server.url('/')],
      scope: LOCAL_SCOPE,
      maxDepth: 6,
      maxPagesPerRun: 500,
      urls: { dropParams: ['visit'], maxLength: 512, maxQueryVariantsPerPath: 10 },
      ...FAST,
    });
    const started = Date.now();
    report = await crawlOnce(pipeline.deps, target, { concurrency: 8, pollMs: 100 });
    elapsedMs = Date.now() - started;
    counters = await runCounters(pipeline, report.runId);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
    await internal?.close();
  });

  it('ends in bounded time with the caps that cut it counted', () => {
    expect(elapsedMs).toBeLessThan(90_000);
    expect(counters.status).toBe('finished');
    // home, 5 good pages, 10 calendar variants, 6 levels of /deep/, one page per session trap.
    expect(report.pages).toBe(1 + 5 + 10 + 6 + 4);
    expect(Number(counters['capped:query-variants'])).toBeGreaterThan(0);
    expect(Number(counters['capped:depth'])).toBeGreaterThanOrEqual(1);
    // Neither page cap was needed.
    expect(counters.capped).toBeUndefined();
    expect(counters['capped:host']).toBeUndefined();
  });

  it('fetched each trap only as far as its cap allows', () => {
    expect(site.requestsUnder('/calendar')).toBe(10);
    expect(site.requestsUnder('/deep/')).toBe(6);
    expect(site.requestsUnder('/long')).toBe(0);
    // Session ids in the query (built-in `sid`, the target's `visit`), in a ;jsessionid path
    // parameter and in an ASP.NET cookieless segment all collapse to one URL each.
    expect(site.requestsUnder('/session/start')).toBe(1);
    expect(site.requestsUnder('/forum/thread')).toBe(1);
    expect(site.requestsUnder('/shop')).toBe(1);
    expect(site.requests.filter((request) => request.endsWith('/app.aspx'))).toHaveLength(1);
  });

  it('never contacts the internal address linked from the calendar', () => {
    expect(internal.acceptedConnections()).toBe(0);
    expect(report.errorsByCode['network-refused']).toBe(1);
  });

  it('indexes the good pages', async () => {
    await expectGoodPagesIndexed(pipeline, site);
  });

  it('keeps the run bookkeeping in Redis bounded by what was claimed', async () => {
    const keys = redisKeys(pipeline.deps.settings.redisPrefix);
    const redis = pipeline.deps.redis;
    // Every claimed URL: the pages, plus the internal link refused at fetch time.
    expect(await redis.hlen(keys.runSeen(report.runId))).toBe(report.pages + 1);
    expect(await redis.hgetall(keys.runQueryVariants(report.runId))).toMatchObject({ [site.server.url('/calendar')]: '10' });
  });
});

describe('an endless tree on a second host', () => {
  let pipeline: TestPipeline;
  let site: TrapSite;
  let tree: Awaited<ReturnType<typeof startTreeSite>>;
  let report: CrawlReport;
  let counters: Record<string, string>;

  beforeAll(async () => {
    tree = await startTreeSite('127.0.0.1');
    site = await startTrapSite({ host: '127.0.0.3' });
    pipeline = await startTestPipeline('url-traps-tree');
    const target = targetSchema.parse({
      id: 'tree',
      name: 'Tree and trap sites',
      seeds: [tree.server.url('/'), site.server.url('/')],
      scope: LOCAL_SCOPE,
      maxDepth: 20,
      maxPagesPerRun: 1000,
      maxPagesPerHost: 30,
      urls: { maxQueryVariantsPerPath: 10 },
      ...FAST,
    });
    report = await crawlOnce(pipeline.deps, target, { concurrency: 8, pollMs: 100 });
    counters = await runCounters(pipeline, report.runId);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
    await tree?.close();
  });

  it('stops the tree at the per-host cap while the other host is crawled in full', async () => {
    expect(counters.status).toBe('finished');
    expect(tree.pagesServed()).toBe(30);
    expect(Number(counters['capped:host'])).toBeGreaterThan(0);
    expect(counters.capped).toBeUndefined();
    await expectGoodPagesIndexed(pipeline, site);
  });
});
