// The whole pipeline against a hostile local site: every bad input ends in a clear, counted
// outcome, the good pages are indexed, the crawl ends in bounded time, and the internal address
// (a second server on 127.0.0.2) is never contacted, whether linked or reached by redirect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSchema } from '../../config/index.ts';
import { crawlOnce, type CrawlReport } from '../../cli/commands/crawl.ts';
import type { SearchIndex } from '../../indexer/types.ts';
import { gzipBomb, repeatedBytes, routes, startHttpServer, streamInto, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const html = (body: string, head = '<meta charset="utf-8">') => `<!doctype html><html><head>${head}<title>t</title></head><body><main>${body}</main></body></html>`;

describe('crawling a hostile site through the full pipeline', () => {
  let site: TestServer;
  let internal: TestServer;
  let pipeline: TestPipeline;
  let index: SearchIndex;
  let report: CrawlReport;
  let elapsedMs: number;
  const produced = { hugeBytes: 0 };

  beforeAll(async () => {
    internal = await startHttpServer((_req, res) => res.end(html('<p>internal secret</p>')), '127.0.0.2');
    site = await startHttpServer(routes({
      '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html([
        '/good', '/latin1', '/malformed', '/bad-links', '/bomb', '/loop-a', '/slow', '/silent', '/huge', '/photo', '/flaky',
        '/to-internal', '/to-metadata', internal.url('/linked-directly'), '/missing',
      ].map((href) => `<a href="${href}">${href}</a>`).join(' '))),
      '/good': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>Un message ordinaire du forum, contact: modo@example.org</p>')),
      '/latin1': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' })
        .end(Buffer.from(html('<p>Vente de cocaïne pure et de méphédrone, livraison discrète en 24h, paiement en bitcoin.</p>', ''), 'latin1')),
      '/malformed': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(Buffer.concat([Buffer.from('<html><body><div><p>Texte cass\u00e9 '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), Buffer.from(' suite <b><i>non ferm\u00e9 <table><tr><td>cellule')])),
      '/bad-links': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html(
        ['http://[::1', 'javascript:alert(1)', 'http://exa mple.com/', `/${'x'.repeat(5000)}`, 'mailto:a@b.c', '::::', 'http://%zz/'].map((h) => `<a href="${h}">l</a>`).join('') + '<p>page with broken links</p>')),
      '/bomb': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
        streamInto(res, gzipBomb(10 * 1024 ** 3, { inflatedBytes: 0, wireBytes: 0 }));
      },
      '/loop-a': (_req, res) => res.writeHead(302, { location: '/loop-b' }).end(),
      '/loop-b': (_req, res) => res.writeHead(302, { location: '/loop-a' }).end(),
      '/slow': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write('<p>.'), 500);
        res.once('close', () => clearInterval(timer));
      },
      '/silent': () => undefined,
      '/huge': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        streamInto(res, repeatedBytes(Buffer.alloc(64 * 1024, '<p>x</p>'), 300 * 1024 * 1024, { get bytes() { return produced.hugeBytes; }, set bytes(v) { produced.hugeBytes = v; } }));
      },
      '/photo': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(100)),
      '/flaky': (_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('busy'),
      '/to-internal': (_req, res) => res.writeHead(302, { location: internal.url('/via-redirect') }).end(),
      '/to-metadata': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    }));

    pipeline = await startTestPipeline('hostile');
    index = pipeline.index;
    const target = targetSchema.parse({
      id: 'hostile',
      name: 'Hostile site',
      seeds: [site.url('/')],
      // Links to 127.0.0.2 are in scope on purpose: the network guard, not the scope, must stop them.
      scope: { sameHost: false, allow: ['^http://127\\.0\\.0\\.\\d+:\\d+/'] },
      maxDepth: 2,
      politeness: { perHostConcurrency: 8, minDelayMs: 0 },
      allowPrivate: true,
      fetch: { connectTimeoutMs: 1000, readTimeoutMs: 1500, totalTimeoutMs: 3000, maxBytes: 5 * 1024 * 1024, maxDecompressedBytes: 8 * 1024 * 1024 },
    });
    const started = Date.now();
    report = await crawlOnce(pipeline.deps, target, { concurrency: 8, pollMs: 100 });
    elapsedMs = Date.now() - started;
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
    await internal?.close();
  });

  it('ends in bounded time with every outcome counted by code', () => {
    expect(elapsedMs).toBeLessThan(90_000);
    expect(report.pages).toBe(4 + 1); // /, /good, /latin1, /malformed, /bad-links
    expect(report.errorsByCode).toMatchObject({
      'decompressed-too-large': 1,
      'redirect-loop': 1,
      'body-too-large': 1,
      'content-type-refused': 1,
      'network-refused': 3,
    });
    expect(report.errorsByCode.timeout).toBe(2);
    // /missing and the relative link "::::" (404), /flaky (503, after its retries)
    expect(report.errorsByCode['http-status']).toBe(3);
    // The internal link is refused as such, not hidden behind its unreachable robots.txt.
    expect(report.skipped).toBe(0);
    expect(report.errors).toBe(Object.values(report.errorsByCode).reduce((a, b) => a + b, 0));
  });

  it('never contacts the internal address', () => {
    expect(internal.acceptedConnections()).toBe(0);
  });

  it('stops reading the 300 MB page near its cap', () => {
    expect(produced.hugeBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('indexes the good pages, decoding Latin-1 and surviving malformed bytes', async () => {
    const latin = await index.search({ text: 'méphédrone' });
    expect(latin.hits.map((h) => h.url)).toEqual([site.url('/latin1')]);
    const malformed = await index.search({ text: 'cellule' });
    expect(malformed.total).toBe(1);
    const email = await index.search({ entity: { type: 'email', value: 'modo@example.org' } });
    expect(email.hits.map((h) => h.url)).toEqual([site.url('/good')]);
    const alerts = await index.listAlerts({ category: 'drugs' });
    expect(alerts.map((a) => a.urls)).toEqual([[site.url('/latin1')]]);
  });
});
