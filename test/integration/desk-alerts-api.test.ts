// The analysts' alert API on the real desk (real Redis, embedded index, desk store, HTTP on
// 127.0.0.1), with alerts raised by crawling a local site through the real pipeline: queue filters,
// paging and totals as the index computes them, per-content groups, the alert detail, decisions one
// by one and in bulk (audited, recalibrating), comments, roles, CSRF and bad input.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import type { Alert } from '../../indexer/types.ts';
import { startTestDesk, TEST_PASSWORD, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';

const TEXTS: Record<string, string> = {
  '/1': 'Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement, contactez-moi sur Telegram.',
  '/2': "Vente d'armes : pistolet Glock 17 avec munitions, kalachnikov AK-47 disponible, livraison discrète, paiement en bitcoin. Aussi de l'héroïne et de la cocaïne pure.",
  '/3': 'Vends faux billets de 50 euros, qualité parfaite, passent aux détecteurs, livraison discrète. Paiement en crypto.',
  '/4': 'Dumps de cartes bancaires avec CVV, fullz et numéros de cartes valides, carding garanti, paiement en bitcoin.',
  '/5': "Faux passeports et fausses cartes d'identité livrés en 48 h, paiement en bitcoin.",
};

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const text = TEXTS[path];
  if (!text) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Annonce ${path}</title></head><body><main><h1>Petites annonces</h1><p>${text}</p></main></body></html>`,
  );
}

let site: TestServer;
let desk: TestDesk;
let analyst: DeskClient;
let investigator: DeskClient;
let all: Alert[];

const ids = (list: { id: string }[]) => list.map((a) => a.id);

async function crawl(id: string, paths: string[]): Promise<void> {
  const target = targetSchema.parse({
    id, name: id, seeds: paths.map((p) => site.url(p)), allowPrivate: true, maxDepth: 0, robots: 'ignore', robotsIgnoreReason: 'test',
    politeness: { minDelayMs: 0 },
  });
  const report = await crawlOnce(desk.pipeline.deps, target, { concurrency: 2, pollMs: 50 });
  expect(report.errors).toBe(0);
}

describe('the alerts API', () => {
  beforeAll(async () => {
    site = await startHttpServer(serve);
    desk = await startTestDesk('desk-alerts');
    await crawl('shop-a', ['/1', '/2', '/3']);
    await crawl('shop-b', ['/4', '/5']);
    all = await desk.pipeline.index.listAlerts({ limit: 100 });
    analyst = await desk.signIn('alice', 'analyst');
    investigator = await desk.signIn('ivan', 'investigator');
    await desk.addUser('bob', 'analyst');
  }, 180_000);

  afterAll(async () => {
    await desk?.close();
    await site?.close();
  });

  it('raised the alerts the test relies on (one page in two categories)', () => {
    expect(all.map((a) => `${a.targetId}:${a.category}`).sort()).toEqual(
      ['shop-a:counterfeit', 'shop-a:drugs', 'shop-a:drugs', 'shop-a:weapons', 'shop-b:carding', 'shop-b:counterfeit'],
    );
  });

  it('lists the queue in the index order, with the total, category labels and paging', async () => {
    const first = await analyst.get('/api/v1/alerts?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(6);
    expect(ids(first.body.alerts)).toEqual(ids(all).slice(0, 4));
    expect(first.body.alerts[0]).toMatchObject({ categoryLabel: { fr: expect.any(String), en: expect.any(String) }, suggestedService: expect.any(String) });
    const second = await analyst.get('/api/v1/alerts?limit=4&offset=4');
    expect(second.body).toMatchObject({ total: 6, limit: 4, offset: 4 });
    expect(ids(second.body.alerts)).toEqual(ids(all).slice(4));
  });

  it('filters by category, target and lastSeen range', async () => {
    const drugs = await analyst.get('/api/v1/alerts?category=drugs');
    expect(drugs.body.total).toBe(2);
    expect(drugs.body.alerts.every((a: Alert) => a.category === 'drugs')).toBe(true);
    const shopB = await analyst.get('/api/v1/alerts?target=shop-b');
    expect(ids(shopB.body.alerts).sort()).toEqual(ids(all.filter((a) => a.targetId === 'shop-b')).sort());
    const future = await analyst.get('/api/v1/alerts?from=2999-01-01');
    expect(future.body).toMatchObject({ alerts: [], total: 0 });
    const past = await analyst.get('/api/v1/alerts?to=2000-01-01T00:00:00Z');
    expect(past.body.total).toBe(0);
    const recent = await analyst.get(`/api/v1/alerts?from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`);
    expect(recent.body.total).toBe(6);
  });

  it('groups by content: the page flagged drugs and weapons is one row', async () => {
    const grouped = await analyst.get('/api/v1/alerts?group=content&limit=10');
    expect(grouped.status).toBe(200);
    expect(grouped.body.total).toBe(5);
    const both = grouped.body.groups.find((g: { categories: string[] }) => g.categories.length === 2);
    expect([...both.categories].sort()).toEqual(['drugs', 'weapons']);
    expect(both.alertIds).toHaveLength(2);
    expect(both.top).toMatchObject({ id: both.alertIds[0], categoryLabel: expect.any(Object) });
  });

  it('refuses bad filters with 400 bad-request naming the field', async () => {
    for (const [query, field] of [
      ['status=bogus', 'status'], ['statuses=new,bogus', 'statuses'], ['category=knitting', 'category'], ['from=yesterday', 'from'],
      ['limit=0', 'limit'], ['limit=5000', 'limit'], ['offset=-1', 'offset'], ['group=site', 'group'], ['queue=mine', 'queue'],
    ]) {
      const response = await analyst.get(`/api/v1/alerts?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('bad-request');
      expect(response.body.error.message, query).toMatch(new RegExp(`^${field}: `));
    }
    const unknown = await analyst.get('/api/v1/alerts?colour=red');
    expect(unknown.status).toBe(400);
  });

  it('shows one alert with history, comments, referrals and the page that raised it', async () => {
    const alert = all.find((a) => a.category === 'weapons')!;
    const response = await investigator.get(`/api/v1/alerts/${alert.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: alert.id, category: 'weapons', history: [], comments: [], referrals: [] });
    expect(response.body.page).toMatchObject({
      id: alert.pageId, url: site.url('/2'), title: 'Annonce /2', language: 'fr', rendered: false,
      evidence: { stored: true, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/), screenshot: 'none' },
    });
    expect(response.body.page.flag.category).toBe('weapons');
    expect(response.body.page.excerpt).toContain('Glock');
    const missing = await analyst.get('/api/v1/alerts/no-such-alert');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
  });

  it('decides one alert as the signed-in analyst, audited, and the queue follows', async () => {
    const alert = all.find((a) => a.targetId === 'shop-b' && a.category === 'carding')!;
    const response = await analyst.post(`/api/v1/alerts/${alert.id}/decisions`, { status: 'confirmed', comment: '  vu  ' });
    expect(response.status).toBe(200);
    expect(response.body.alert).toMatchObject({ id: alert.id, status: 'confirmed', decision: { status: 'confirmed', actor: 'alice', comment: 'vu' } });
    expect(response.body.alertsRecalibrated).toEqual(expect.any(Number));
    const detail = await analyst.get(`/api/v1/alerts/${alert.id}`);
    expect(detail.body.history).toMatchObject([{ status: 'confirmed', previousStatus: 'new', actor: 'alice' }]);
    const audit = await desk.desk.listAudit({ action: 'alert.decide', subject: alert.id, limit: 10 });
    expect(audit).toMatchObject([{ actor: 'alice', outcome: 'ok', detail: { status: 'confirmed' } }]);

    const open = await analyst.get('/api/v1/alerts?queue=open&limit=100');
    expect(open.body.total).toBe(5);
    expect(ids(open.body.alerts)).not.toContain(alert.id);
    const confirmed = await analyst.get('/api/v1/alerts?status=confirmed');
    expect(ids(confirmed.body.alerts)).toEqual([alert.id]);
    const either = await analyst.get('/api/v1/alerts?statuses=confirmed,dismissed');
    expect(ids(either.body.alerts)).toEqual([alert.id]);
    // queue=open and an explicit status must both hold.
    const none = await analyst.get('/api/v1/alerts?queue=open&status=confirmed');
    expect(none.body).toMatchObject({ alerts: [], total: 0 });
  });

  it('assigns to an active analyst (filterable), never to an unknown, disabled or non-deciding account', async () => {
    const alert = all.find((a) => a.targetId === 'shop-b' && a.category === 'counterfeit')!;
    for (const assignee of ['nobody', 'ivan']) {
      const refused = await analyst.post(`/api/v1/alerts/${alert.id}/decisions`, { status: 'assigned', assignee });
      expect(refused.status, assignee).toBe(400);
      expect(refused.body.error.message).toMatch(/^assignee: /);
    }
    const assigned = await analyst.post(`/api/v1/alerts/${alert.id}/decisions`, { status: 'assigned', assignee: 'bob' });
    expect(assigned.status).toBe(200);
    expect(assigned.body.alert).toMatchObject({ status: 'assigned', assignee: 'bob' });
    const bobs = await analyst.get('/api/v1/alerts?assignee=bob&queue=open');
    expect(ids(bobs.body.alerts)).toEqual([alert.id]);
  });

  it('refuses invalid decisions with stable codes and records nothing', async () => {
    const alert = all.find((a) => a.category === 'weapons')!;
    const cases: [unknown, number, RegExp][] = [
      [{ status: 'dismissed' }, 400, /reason/],
      [{ status: 'referred' }, 400, /referral/],
      [{ status: 'confirmed', reason: 'false-positive' }, 400, /reason goes with status dismissed/],
      [{ status: 'confirmed', assignee: 'bob' }, 400, /assignee/],
      [{ status: 'bogus' }, 400, /^status: /],
      [{ status: 'confirmed', actor: 'mallory' }, 400, /actor|unrecognized/i],
    ];
    for (const [body, status, message] of cases) {
      const response = await analyst.post(`/api/v1/alerts/${alert.id}/decisions`, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body.error.code).toBe('bad-request');
      expect(response.body.error.message).toMatch(message);
    }
    const unknown = await analyst.post('/api/v1/alerts/no-such-alert/decisions', { status: 'confirmed' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not-found');
    expect(await desk.pipeline.index.alertHistory(alert.id)).toEqual([]);
  });

  it('decides in bulk (one audit line per alert); an unknown id decides none', async () => {
    const targets = all.filter((a) => a.targetId === 'shop-a' && a.category !== 'weapons').map((a) => a.id);
    expect(targets).toHaveLength(3);
    const withUnknown = await analyst.post('/api/v1/alerts/decisions', { ids: [...targets, 'no-such-alert'], status: 'dismissed', reason: 'false-positive' });
    expect(withUnknown.status).toBe(404);
    for (const id of targets) expect((await desk.pipeline.index.getAlert(id))!.status).toBe('new');

    const response = await analyst.post('/api/v1/alerts/decisions', { ids: targets, status: 'dismissed', reason: 'false-positive' });
    expect(response.status).toBe(200);
    expect(ids(response.body.alerts).sort()).toEqual([...targets].sort());
    expect(response.body.alerts.every((a: Alert) => a.status === 'dismissed' && a.decision?.actor === 'alice')).toBe(true);
    const audit = await desk.desk.listAudit({ action: 'alert.decide', actor: 'alice', limit: 100 });
    const bulkLines = audit.filter((line) => targets.includes(line.subject!));
    expect(bulkLines).toHaveLength(3);
    expect(bulkLines.every((line) => line.detail?.status === 'dismissed' && line.detail?.reason === 'false-positive' && line.detail?.bulk === 3)).toBe(true);

    const tooMany = await analyst.post('/api/v1/alerts/decisions', { ids: Array.from({ length: 501 }, (_, i) => `a${i}`), status: 'confirmed' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/^ids: /);
    const empty = await analyst.post('/api/v1/alerts/decisions', { ids: [], status: 'confirmed' });
    expect(empty.status).toBe(400);
  });

  it('comments on an alert: shown in the detail, audited; empty text refused', async () => {
    const alert = all.find((a) => a.category === 'weapons')!;
    const response = await analyst.post(`/api/v1/alerts/${alert.id}/comments`, { text: 'Même vendeur que sur le forum X.' });
    expect(response.status).toBe(201);
    expect(response.body.comment).toMatchObject({ alertId: alert.id, author: 'alice', text: 'Même vendeur que sur le forum X.' });
    const detail = await analyst.get(`/api/v1/alerts/${alert.id}`);
    expect(detail.body.comments).toMatchObject([{ author: 'alice', text: 'Même vendeur que sur le forum X.' }]);
    const audit = await desk.desk.listAudit({ action: 'alert.comment', subject: alert.id, limit: 10 });
    expect(audit).toMatchObject([{ actor: 'alice', outcome: 'ok', detail: { commentId: response.body.comment.id } }]);

    expect((await analyst.post(`/api/v1/alerts/${alert.id}/comments`, { text: '   ' })).status).toBe(400);
    expect((await analyst.post(`/api/v1/alerts/${alert.id}/comments`, { text: 'x'.repeat(5001) })).status).toBe(400);
    expect((await analyst.post('/api/v1/alerts/no-such-alert/comments', { text: 'x' })).status).toBe(404);
  });

  it('lets an investigator read but not decide or comment (403 forbidden, audited as denied)', async () => {
    const alert = all.find((a) => a.category === 'weapons')!;
    expect((await investigator.get('/api/v1/alerts')).status).toBe(200);
    const decision = await investigator.post(`/api/v1/alerts/${alert.id}/decisions`, { status: 'confirmed' });
    expect(decision.status).toBe(403);
    expect(decision.body.error.code).toBe('forbidden');
    const bulk = await investigator.post('/api/v1/alerts/decisions', { ids: [alert.id], status: 'confirmed' });
    expect(bulk.status).toBe(403);
    const comment = await investigator.post(`/api/v1/alerts/${alert.id}/comments`, { text: 'x' });
    expect(comment.status).toBe(403);
    const denied = await desk.desk.listAudit({ action: 'access.denied', actor: 'ivan', limit: 10 });
    expect(denied.length).toBe(3);
    expect((await desk.pipeline.index.getAlert(alert.id))!.status).toBe('new');

    const ops = await desk.signIn('olga', 'ops');
    expect((await ops.get('/api/v1/alerts')).status).toBe(403);
    expect((await desk.anonymous().get('/api/v1/alerts')).status).toBe(401);
  });

  it('refuses a cookie-authenticated decision without the CSRF token (403 csrf-failed); a bearer token needs none', async () => {
    const alert = all.find((a) => a.category === 'weapons')!;
    const signIn = await fetch(`${desk.baseUrl}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: TEST_PASSWORD }),
    });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    for (const extra of [{}, { 'x-csrf-token': 'not-the-token' }] as Record<string, string>[]) {
      const response = await fetch(`${desk.baseUrl}/api/v1/alerts/${alert.id}/decisions`, {
        method: 'POST', headers: { cookie, 'content-type': 'application/json', ...extra }, body: JSON.stringify({ status: 'escalated' }),
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('csrf-failed');
    }
    expect((await desk.pipeline.index.getAlert(alert.id))!.status).toBe('new');

    const bot = await desk.tokenClient('alice');
    const response = await bot.post(`/api/v1/alerts/${alert.id}/decisions`, { status: 'escalated' });
    expect(response.status).toBe(200);
    expect(response.body.alert).toMatchObject({ status: 'escalated', decision: { actor: 'alice' } });
    const audit = await desk.desk.listAudit({ action: 'alert.decide', subject: alert.id, limit: 10 });
    expect(audit[0]!.detail).toMatchObject({ status: 'escalated', via: 'token' });
  });

  it('declares every route in the OpenAPI document with its capability', async () => {
    const doc = (await analyst.get('/api/docs/openapi.json')).body;
    expect(doc.paths['/api/v1/alerts'].get['x-vigie-access']).toBe('alerts:read');
    expect(doc.paths['/api/v1/alerts/{id}/decisions'].post['x-vigie-access']).toBe('alerts:decide');
    expect(doc.paths['/api/v1/alerts/decisions'].post['x-vigie-access']).toBe('alerts:decide');
    expect(doc.paths['/api/v1/alerts/{id}/comments'].post['x-vigie-access']).toBe('alerts:decide');
  });
});
