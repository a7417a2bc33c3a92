// robots.txt through the whole pipeline: disallowed pages are skipped and counted, a robots.txt
// that is temporarily unavailable delays pages (retried) instead of dropping them, and one that
// stays unavailable ends the pages with a counted `robots-unavailable` outcome.
import { afterEach, describe, expect, it } from 'vitest';
import { targetSchema } from '../../config/index.ts';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>p</title></head><body><main>${body}</main></body></html>`;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function crawlSite(robots: (hit: number) => { status: number; body: string }) {
  let robotsHits = 0;
  const site: TestServer = await startHttpServer(routes({
    '/robots.txt': (_req, res) => {
      const answer = robots(++robotsHits);
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    },
    '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page('<p>home</p><a href="/open">o</a> <a href="/private/x">p</a>')),
    '/open': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page('<p>open page</p>')),
    '/private/x': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page('<p>private page</p>')),
  }));
  const pipeline: TestPipeline = await startTestPipeline('robots');
  cleanups.push(() => site.close(), () => pipeline.close());
  const target = targetSchema.parse({
    id: 'robots', name: 'Robots', seeds: [site.url('/')], allowPrivate: true,
    politeness: { perHostConcurrency: 4, minDelayMs: 0 },
  });
  const report = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
  return { report, robotsHits: () => robotsHits };
}

describe('robots.txt policy', () => {
  it('skips disallowed paths and counts them, fetching robots.txt once', async () => {
    const { report, robotsHits } = await crawlSite(() => ({ status: 200, body: 'User-agent: *\nDisallow: /private/\n' }));
    expect(report).toMatchObject({ pages: 2, skipped: 1, errors: 0 });
    expect(robotsHits()).toBe(1);
  });

  it('treats a missing robots.txt (404) as no restriction', async () => {
    const { report } = await crawlSite(() => ({ status: 404, body: '' }));
    expect(report).toMatchObject({ pages: 3, skipped: 0, errors: 0 });
  });

  it('retries pages while robots.txt is briefly unavailable, and loses none', async () => {
    const { report, robotsHits } = await crawlSite((hit) => (hit === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'User-agent: *\nDisallow:\n' }));
    expect(report).toMatchObject({ pages: 3, skipped: 0, errors: 0 });
    expect(robotsHits()).toBe(2);
  });

  it('ends pages with a counted outcome when robots.txt stays unavailable', async () => {
    const { report } = await crawlSite(() => ({ status: 503, body: 'down' }));
    expect(report.pages).toBe(0);
    expect(report.errorsByCode).toEqual({ 'robots-unavailable': 1 });
  });
});
