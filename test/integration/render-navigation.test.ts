// A rendered page whose script navigates elsewhere (a JavaScript redirect, common on scam and
// phishing pages): what Chromium ends up showing is another document, never fetched or kept as
// evidence under this URL. The page is indexed as fetched; the destination is followed as a link
// and captured in its own right, with its own evidence.
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const html = (body: string) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head><body>${body}</body></html>`);
};
const LANDING_TEXT = 'Page d’arrivée du faux site : saisissez votre numéro de carte bancaire pour débloquer le colis.';

describe.skipIf(!existsSync('/usr/bin/chromium'))('a rendered page that navigates away', () => {
  let site: TestServer;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    site = await startHttpServer(routes({
      '/': html('<p>Redirection en cours…</p><script>location.replace("/landing")</script>'),
      '/landing': html(`<main><p>${LANDING_TEXT}</p></main>`),
    }));
    pipeline = await startTestPipeline('render-nav');
  });

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
  });

  it('indexes the page as fetched and follows the destination as a link', async () => {
    const target = targetSchema.parse({
      id: 'js-redirect',
      name: 'js redirect',
      seeds: [site.url('/')],
      allowPrivate: true,
      render: 'always',
      robots: 'ignore',
      robotsIgnoreReason: 'test',
      politeness: { minDelayMs: 0 },
      browser: { scroll: { maxSteps: 0 }, screenshot: false },
    });
    const report = await crawlOnce(pipeline.deps, target, { concurrency: 2, pollMs: 100 });
    expect(report).toMatchObject({ pages: 2, errors: 0 });
    // Only the landing page was a render of the document fetched for its own URL.
    expect(report.rendered).toBe(1);

    const hits = await pipeline.index.search({ text: 'numéro de carte bancaire', limit: 10, offset: 0 });
    expect(hits.hits.map((hit) => hit.url)).toEqual([site.url('/landing')]);
    const seed = await pipeline.index.search({ text: 'Redirection', limit: 10, offset: 0 });
    expect(seed.hits).toHaveLength(1);
    const seedPage = await pipeline.index.getPage(seed.hits[0]!.id);
    expect(seedPage).toMatchObject({ url: site.url('/'), finalUrl: site.url('/'), rendered: false });
  }, 60_000);
});
