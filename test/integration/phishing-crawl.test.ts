// A crawl of a small local site through the whole pipeline (real Redis, real HTTP on loopback,
// the embedded index): a fake bank login page whose form posts to a lookalike domain raises a
// fraud alert explained by its phishing rules (brand, domain, form action); a fake shop raises
// one too; a news article about phishing and an ordinary page raise none.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce, type CrawlReport } from '../../cli/commands/crawl.ts';
import { targetSchema, type WatchTarget } from '../../config/index.ts';
import type { Alert, PageDocument } from '../../indexer/types.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/phishing/${name}`, import.meta.url), 'utf8');

const HOME = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Annuaire local</title></head><body><main>
  <h1>Annuaire des commerces du quartier</h1>
  <p>Retrouvez les horaires et les adresses des commerces, des artisans et des services de proximité du quartier.</p>
  <ul><li><a href="/mabanque/connexion">Accès client</a></li><li><a href="/actualites/faux-sms">Actualité</a></li>
  <li><a href="/outlet">Bonnes affaires</a></li><li><a href="/horaires">Horaires</a></li></ul></main></body></html>`;
const HOURS = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Horaires</title></head><body><main>
  <p>La boulangerie ouvre du mardi au dimanche de 7 h à 19 h 30. La pharmacie est ouverte du lundi au samedi.</p></main></body></html>`;
// The kit posts what it collects to a lookalike domain (never contacted: forms are not followed).
const FAKE_BANK = fixture('bank-login.html').replace('action="next.php"', 'action="https://bnpparibas-secure-login.com/collect/next.php"');

const PAGES: Record<string, string> = {
  '/': HOME,
  '/mabanque/connexion': FAKE_BANK,
  '/actualites/faux-sms': fixture('news-article.html'),
  '/outlet': fixture('fake-shop.html'),
  '/horaires': HOURS,
};

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const body = PAGES[path];
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not found</h1>');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

describe('crawl of a site with a fake bank login page', () => {
  let site: TestServer;
  let pipeline: TestPipeline;
  let target: WatchTarget;
  let report: CrawlReport;
  let alerts: Alert[];

  beforeAll(async () => {
    site = await startHttpServer(serve);
    pipeline = await startTestPipeline('phishing');
    target = targetSchema.parse({
      id: 'phishing-site',
      name: 'Local site with a phishing page',
      seeds: [site.url('/')],
      allowPrivate: true,
      maxDepth: 2,
      politeness: { perHostConcurrency: 4, minDelayMs: 0 },
    });
    report = await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 });
    alerts = await pipeline.index.listAlerts({ targetId: target.id });
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
  });

  async function pageAt(path: string): Promise<PageDocument> {
    const { hits } = await pipeline.index.search({ targetId: target.id, limit: 100 });
    const hit = hits.find((h) => h.url === site.url(path));
    expect(hit, path).toBeDefined();
    return (await pipeline.index.getPage(hit!.id))!;
  }

  it('crawls every page (the fixtures\' own links to styles, help and legal pages answer 404)', () => {
    expect(report.pages).toBe(5);
    expect(Object.keys(report.errorsByCode)).toEqual(report.errors > 0 ? ['http-status'] : []);
  });

  it('raises a fraud alert on the fake login page, with the phishing rules that explain it', async () => {
    const alert = alerts.find((a) => a.urls.includes(site.url('/mabanque/connexion')));
    expect(alert).toBeDefined();
    expect(alert!.category).toBe('fraud');
    expect(alert!.score).toBeGreaterThanOrEqual(0.8);
    expect(alert!.ruleIds).toEqual(expect.arrayContaining(['phishing.brand-credential-form', 'phishing.lookalike-domain', 'phishing.form-to-other-site']));
    expect(alert!.tags).toContain('europol-incident:information-gathering="phishing"');

    const page = await pageAt('/mabanque/connexion');
    const fraud = page.flags.find((f) => f.category === 'fraud')!;
    const form = fraud.rules.find((r) => r.ruleId === 'phishing.brand-credential-form')!;
    expect(form.details).toMatchObject({ brand: 'bnp-paribas', domain: '127.0.0.1', formAction: 'https://bnpparibas-secure-login.com/collect/next.php' });
    expect(form.details!.officialDomains).toContain('bnpparibas.fr');
    const lookalike = fraud.rules.find((r) => r.ruleId === 'phishing.lookalike-domain')!;
    expect(lookalike.details).toMatchObject({ brand: 'bnp-paribas', domain: 'bnpparibas-secure-login.com', where: 'form-action', kind: 'embedded' });
  });

  it('raises a fraud alert on the fake shop from its fake-shop signals', () => {
    const alert = alerts.find((a) => a.urls.includes(site.url('/outlet')));
    expect(alert?.category).toBe('fraud');
    expect(alert!.ruleIds).toEqual(expect.arrayContaining(['fake-shop.deep-discounts', 'fake-shop.untraceable-payment']));
  });

  it('raises nothing on the news article about phishing or on the ordinary pages', async () => {
    for (const path of ['/actualites/faux-sms', '/horaires', '/']) {
      expect(alerts.filter((a) => a.urls.includes(site.url(path))), path).toEqual([]);
    }
    const news = await pageAt('/actualites/faux-sms');
    expect(news.flags.flatMap((f) => f.rules.map((r) => r.ruleId)).filter((id) => id.startsWith('phishing.'))).toEqual([]);
  });
});
