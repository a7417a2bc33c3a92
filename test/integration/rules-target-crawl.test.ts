// A target's `rules` section applied by the real pipeline (real Redis, loopback HTTP, embedded
// index): a category switched off raises no flag, a per-category threshold decides the alert, a
// disabled rule leaves the flag, and the same page under default settings alerts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const OFFER = 'Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement, contactez-moi sur Telegram.';

// One page per target, each with its own opening line so that their content (and alert ids) differ.
function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Annonce</title></head><body><main>
    <p>Annonce publiée dans la section ${path}.</p><p>${OFFER}</p></main></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

describe('per-target rule overrides in a crawl', () => {
  let site: TestServer;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    site = await startHttpServer(serve);
    pipeline = await startTestPipeline('rules-target');
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
  });

  async function crawl(id: string, rules?: Record<string, unknown>): Promise<{ page: PageDocument; alerts: string[] }> {
    const target = targetSchema.parse({
      id, name: id, seeds: [site.url(`/${id}`)], allowPrivate: true, maxDepth: 0, robots: 'ignore', robotsIgnoreReason: 'test',
      politeness: { minDelayMs: 0 }, ...(rules ? { rules } : {}),
    });
    await crawlOnce(pipeline.deps, target, { concurrency: 1, pollMs: 50 });
    const { hits } = await pipeline.index.search({ targetId: id, limit: 10 });
    expect(hits.length, id).toBe(1);
    const page = (await pipeline.index.getPage(hits[0]!.id))!;
    const alerts = (await pipeline.index.listAlerts({ targetId: id })).map((a) => a.category);
    return { page, alerts };
  }

  const drugs = (page: PageDocument) => page.flags.find((f) => f.category === 'drugs');

  it('alerts under the default settings', async () => {
    const { page, alerts } = await crawl('plain');
    expect(drugs(page)!.score).toBeGreaterThanOrEqual(0.5);
    expect(alerts).toContain('drugs');
  }, 60_000);

  it('raises no drugs flag when the target switches the category off', async () => {
    const { page, alerts } = await crawl('drugs-off', { categories: { drugs: 'off' } });
    expect(drugs(page)).toBeUndefined();
    expect(alerts).not.toContain('drugs');
  }, 60_000);

  it('keeps the flag but no alert under a per-category threshold above the score', async () => {
    const { page, alerts } = await crawl('strict', { thresholds: { drugs: 0.999 } });
    expect(drugs(page)!.score).toBeLessThan(0.999);
    expect(alerts).not.toContain('drugs');
  }, 60_000);

  it('leaves a disabled rule out of the flag and uses overridden weights', async () => {
    const plain = await crawl('weights-base');
    const fired = drugs(plain.page)!.rules.map((r) => r.ruleId);
    expect(fired.length).toBeGreaterThanOrEqual(2);
    const [dropped, reweighted] = fired as [string, string];
    const { page } = await crawl('weights', { disable: [dropped], weights: { [reweighted]: 0.05 } });
    const rules = drugs(page)?.rules ?? [];
    expect(rules.map((r) => r.ruleId)).not.toContain(dropped);
    expect(rules.find((r) => r.ruleId === reweighted)?.weight).toBeLessThanOrEqual(0.05);
  }, 60_000);
});
