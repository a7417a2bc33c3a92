// Saved searches end to end: created through the desk's API, run by the real pipeline on every new
// page of a crawl of a local site (real Redis, loopback HTTP, embedded index), raising an alert
// under the chosen category with rule id saved-search:<id>; paused, retro-run, deleted, audited.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import { categoryTags } from '../../extractors/categories.ts';
import type { Alert } from '../../indexer/types.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { MAX_SAVED_SEARCHES, SavedSearchStore, withSavedSearches } from '../../workers/saved-searches.ts';
import { makePage, observe } from '../contract/index-fixtures.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';

const TEXTS: Record<string, string> = {
  '/tarte': 'Recette de la tarte tatin de ma grand-mère : des pommes, du beurre, du sucre et une pâte brisée maison.',
  '/tarte-2': 'Une autre tarte tatin, cette fois aux poires, pour le dimanche en famille.',
  '/tarte-3': 'La tarte tatin de la boulangerie du coin, caramélisée à point, servie tiède.',
  '/mer': 'Une promenade au bord de la mer, le vent, les mouettes et un café en terrasse.',
  '/offre': 'Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement, contactez-moi sur Telegram.',
};

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const text = TEXTS[path];
  if (text === undefined) {
    res.writeHead(404).end();
    return;
  }
  const body = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page ${path}</title></head><body><main><p>${text}</p></main></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

let site: TestServer;
let desk: TestDesk;
let investigator: DeskClient;

beforeAll(async () => {
  site = await startHttpServer(serve);
  desk = await startTestDesk('saved-searches');
  investigator = await desk.signIn('ines', 'investigator');
}, 60_000);
afterAll(async () => {
  await desk?.close();
  await site?.close();
});

async function crawl(id: string, paths: string[]): Promise<void> {
  const target = targetSchema.parse({
    id, name: id, seeds: paths.map((path) => site.url(path)), allowPrivate: true, maxDepth: 0, robots: 'ignore', robotsIgnoreReason: 'test',
    politeness: { minDelayMs: 0 },
  });
  await crawlOnce(desk.pipeline.deps, target, { concurrency: 1, pollMs: 50 });
}

async function alertsOf(targetId: string): Promise<Alert[]> {
  return desk.pipeline.index.listAlerts({ targetId, limit: 100 });
}

async function pageIdAt(targetId: string, path: string): Promise<string> {
  const { hits } = await desk.pipeline.index.search({ targetId, limit: 100 });
  const hit = hits.find((h) => h.url === site.url(path));
  if (!hit) throw new Error(`${path} was not indexed under ${targetId}`);
  return hit.id;
}

describe('saved searches through the API and a crawl', () => {
  let tarteId: string;
  let drugsId: string;

  it('validates a saved search: 400 bad-query on bad syntax or nothing to match, 400 on a bad category or name', async () => {
    const bad = await investigator.post('/api/v1/saved-searches', { name: 'Cassée', query: '"tarte" AND (', category: 'fraud' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad-query' });
    expect(bad.body.error.message).toMatch(/position/);
    const empty = await investigator.post('/api/v1/saved-searches', { name: 'Vide', query: '( )', category: 'fraud' });
    expect(empty.body.error.code).toBe('bad-query');
    expect((await investigator.post('/api/v1/saved-searches', { name: 'X', query: 'tarte', category: 'desserts' })).status).toBe(400);
    expect((await investigator.post('/api/v1/saved-searches', { name: 'a "quoted" name', query: 'tarte', category: 'fraud' })).status).toBe(400);
    expect((await investigator.post('/api/v1/saved-searches', { name: 'X', query: 'tarte', category: 'fraud', owner: 'someone-else' })).status).toBe(400);
    expect((await investigator.get('/api/v1/saved-searches')).body.savedSearches).toEqual([]);
  });

  it('keeps saved searches to roles with saved-searches:write', async () => {
    const analyst = await desk.signIn('anna', 'analyst');
    const denied = await analyst.post('/api/v1/saved-searches', { name: 'Tartes', query: 'tarte', category: 'fraud' });
    expect(denied.status).toBe(403);
    expect((await analyst.get('/api/v1/saved-searches')).status).toBe(200);
    const ops = await desk.signIn('oscar', 'ops');
    expect((await ops.get('/api/v1/saved-searches')).status).toBe(403);
    // A session's change needs its CSRF token.
    const noCsrf = await investigator.request('POST', '/api/v1/saved-searches', { name: 'Tartes', query: 'tarte', category: 'fraud' }, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.body.error.code).toBe('csrf-failed');
  });

  it('creates saved searches, owned by their author and audited', async () => {
    const tarte = await investigator.post('/api/v1/saved-searches', { name: 'Tartes tatin', query: '"tarte tatin" -poires', category: 'fraud' });
    expect(tarte.status).toBe(201);
    expect(tarte.body.savedSearch).toMatchObject({ name: 'Tartes tatin', query: '"tarte tatin" -poires', category: 'fraud', owner: 'ines', enabled: true });
    tarteId = tarte.body.savedSearch.id;
    const drugs = await investigator.post('/api/v1/saved-searches', { name: 'Cocaïne', query: 'cocaïne OR cocaine', category: 'drugs' });
    drugsId = drugs.body.savedSearch.id;
    const list = await investigator.get('/api/v1/saved-searches');
    expect(list.body.savedSearches.map((s: any) => s.id)).toEqual([tarteId, drugsId]);
    const [line] = await desk.desk.listAudit({ action: 'saved-search.create', subject: tarteId, limit: 1 });
    expect(line).toMatchObject({ actor: 'ines', outcome: 'ok', detail: { name: 'Tartes tatin', query: '"tarte tatin" -poires', category: 'fraud' } });
  });

  it('raises an alert on a crawled page that matches, and none on a page that does not', async () => {
    await crawl('site-a', ['/tarte', '/mer', '/offre']);
    const alerts = await alertsOf('site-a');
    const tartePage = await pageIdAt('site-a', '/tarte');
    const merPage = await pageIdAt('site-a', '/mer');

    const raised = alerts.filter((a) => a.ruleIds.includes(`saved-search:${tarteId}`));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ category: 'fraud', score: 1, pageId: tartePage, ruleIds: [`saved-search:${tarteId}`], status: 'new' });
    expect(raised[0]!.tags).toEqual([...categoryTags('fraud'), 'vigie:saved-search="Tartes tatin"']);
    expect(alerts.some((a) => a.pageId === merPage)).toBe(false);

    // The rules raise drugs on the offer too: one alert carries both the rules and the saved search.
    const drugs = alerts.filter((a) => a.category === 'drugs');
    expect(drugs).toHaveLength(1);
    expect(drugs[0]!.ruleIds).toContain(`saved-search:${drugsId}`);
    expect(drugs[0]!.ruleIds.length).toBeGreaterThan(1);
    expect(drugs[0]!.tags).toContain('vigie:saved-search="Cocaïne"');
  }, 120_000);

  it('leaves out a page its NOT excludes', async () => {
    await crawl('site-c', ['/tarte-2']);
    const page = await desk.pipeline.index.getPage(await pageIdAt('site-c', '/tarte-2'));
    expect(await desk.pipeline.index.alertsForContent([page!.contentHash])).toEqual([]);
  }, 120_000);

  it('retro-runs a saved search over what is already indexed, raising nothing', async () => {
    const before = (await alertsOf('site-a')).length;
    const run = await investigator.post(`/api/v1/saved-searches/${tarteId}/run`);
    expect(run.status).toBe(200);
    expect(run.body.total).toBe(1);
    expect(run.body.hits[0].url).toBe(site.url('/tarte'));
    expect((await alertsOf('site-a')).length).toBe(before);
    expect((await investigator.post('/api/v1/saved-searches/ss-nope/run')).status).toBe(404);
  });

  it('stops raising alerts while paused (PATCH enabled=false), audited', async () => {
    const paused = await investigator.request('PATCH', `/api/v1/saved-searches/${tarteId}`, { enabled: false });
    expect(paused.status).toBe(200);
    expect(paused.body.savedSearch.enabled).toBe(false);
    await crawl('site-b', ['/tarte-3']);
    // A page the search would match: no alert at all on its content.
    const page = await desk.pipeline.index.getPage(await pageIdAt('site-b', '/tarte-3'));
    expect(await desk.pipeline.index.alertsForContent([page!.contentHash])).toEqual([]);
    const [line] = await desk.desk.listAudit({ action: 'saved-search.update', subject: tarteId, limit: 1 });
    expect(line).toMatchObject({ actor: 'ines', detail: { enabled: false } });
    expect((await investigator.request('PATCH', '/api/v1/saved-searches/ss-nope', { enabled: true })).status).toBe(404);
    expect((await investigator.request('PATCH', `/api/v1/saved-searches/${tarteId}`, { enabled: 'yes' })).status).toBe(400);
  }, 120_000);

  it('deletes a saved search (audited); its alerts stay', async () => {
    const deleted = await investigator.request('DELETE', `/api/v1/saved-searches/${tarteId}`);
    expect(deleted.status).toBe(200);
    expect((await investigator.request('DELETE', `/api/v1/saved-searches/${tarteId}`)).status).toBe(404);
    expect((await investigator.get('/api/v1/saved-searches')).body.savedSearches.map((s: any) => s.id)).toEqual([drugsId]);
    expect((await alertsOf('site-a')).some((a) => a.ruleIds.includes(`saved-search:${tarteId}`))).toBe(true);
    const [line] = await desk.desk.listAudit({ action: 'saved-search.delete', subject: tarteId, limit: 1 });
    expect(line).toMatchObject({ actor: 'ines', detail: { name: 'Tartes tatin' } });
  });
});

describe('SavedSearchStore', () => {
  const page = makePage({ title: 'Annonce', text: 'Vente de faux billets de 50 euros.' });

  it('matches from its in-memory list, reloaded after refreshMs; other processes see changes then', async () => {
    const keys = redisKeys(desk.pipeline.deps.settings.redisPrefix);
    const cached = new SavedSearchStore(desk.pipeline.deps.redis, keys, { refreshMs: 3_600_000 });
    const fresh = new SavedSearchStore(desk.pipeline.deps.redis, keys, { refreshMs: 0 });
    expect(await cached.matching(page)).toEqual([]);
    const created = await investigator.post('/api/v1/saved-searches', { name: 'Billets', query: 'billets AND faux', category: 'counterfeit' });
    expect(created.status).toBe(201);
    expect(await cached.matching(page)).toEqual([]);
    expect((await fresh.matching(page)).map((s) => s.id)).toEqual([created.body.savedSearch.id]);
    // The desk's own store (shared with this process's workers) sees its own change at once.
    expect((await desk.pipeline.deps.savedSearches.matching(page)).map((s) => s.id)).toEqual([created.body.savedSearch.id]);
  });

  it(`refuses a saved search past ${MAX_SAVED_SEARCHES}`, async () => {
    const keys = redisKeys(`${desk.pipeline.deps.settings.redisPrefix}:cap`);
    const store = new SavedSearchStore(desk.pipeline.deps.redis, keys);
    const input = { name: 'n', query: 'billets', category: 'fraud', owner: 'ines' } as const;
    for (let i = 0; i < MAX_SAVED_SEARCHES; i++) await store.create(input, new Date());
    await expect(store.create(input, new Date())).rejects.toMatchObject({ code: 'saved-searches-full' });
    expect((await store.list()).length).toBe(MAX_SAVED_SEARCHES);
    await desk.pipeline.deps.redis.del(keys.savedSearches());
  }, 60_000);

  it('skips an unreadable entry and a query that no longer parses, without failing the page or the list', async () => {
    const keys = redisKeys(desk.pipeline.deps.settings.redisPrefix);
    const redis = desk.pipeline.deps.redis;
    await redis.hset(keys.savedSearches(), 'ss-garbage', '{not json');
    const stale = { id: 'ss-stale', name: 'Ancienne', query: '(billets', category: 'fraud', owner: 'ines', createdAt: '2020-01-01T00:00:00.000Z', enabled: true };
    await redis.hset(keys.savedSearches(), 'ss-stale', JSON.stringify(stale));
    const store = new SavedSearchStore(redis, keys, { refreshMs: 0 });
    const matched = await store.matching(page);
    expect(matched.map((s) => s.name)).toEqual(['Billets']);
    const list = await investigator.get('/api/v1/saved-searches');
    expect(list.status).toBe(200);
    expect(list.body.savedSearches.map((s: any) => s.id)).toContain('ss-stale');
    expect(list.body.savedSearches.map((s: any) => s.id)).not.toContain('ss-garbage');
    await redis.hdel(keys.savedSearches(), 'ss-garbage', 'ss-stale');
  });
});

describe('withSavedSearches', () => {
  const page = makePage({ text: 'Vente de faux billets.' });
  const search = (id: string, category: 'fraud' | 'counterfeit') =>
    ({ id, name: `n-${id}`, query: 'billets', category, owner: 'ines', createdAt: '2026-01-01T00:00:00.000Z', enabled: true }) as const;

  it('adds one observation per matching search, joining a rule observation of the same category', () => {
    const rule = observe(page, 'counterfeit', { score: 0.6 });
    const now = new Date('2026-05-01T10:00:00Z');
    const result = withSavedSearches([rule], [search('a', 'counterfeit'), search('b', 'fraud')], page, page.contentHash, now);
    expect(result).toHaveLength(2);
    expect(result[0]).toMatchObject({ id: rule.id, score: 1, ruleIds: ['counterfeit-rule', 'saved-search:a'], ruleWeights: { 'counterfeit-rule': 0.6, 'saved-search:a': 1 } });
    expect(result[0]!.tags).toContain('vigie:saved-search="n-a"');
    expect(result[1]).toMatchObject({ category: 'fraud', score: 1, ruleIds: ['saved-search:b'], pageId: page.id, contentHash: page.contentHash, seenAt: now.toISOString() });
    // The rule's own observation is not changed in place.
    expect(rule.ruleIds).toEqual(['counterfeit-rule']);
  });
});
