// The investigators' API on the real desk server (real Redis, embedded index, desk store): search
// with the query language, facets and histogram, the CSV/JSON export (quoting, formula injection,
// bounds, audit), entity pivots and the graph, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeEntityValue } from '../../extractors/entities/index.ts';
import type { Entity, EntityType } from '../../extractors/types.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { makeFlag, makePage, observe } from '../contract/index-fixtures.ts';

const BTC = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const EMAIL = 'vendeur@example.org';
const LINK = 'https://paste.example.net/raw/AbC?id=7';
const FORMULA_TITLE = '=HYPERLINK("http://evil.example/x","clic")';

function entity(type: EntityType, raw: string): Entity {
  const value = normalizeEntityValue(type, raw);
  if (value === null) throw new Error(`fixture entity ${type}:${raw} does not validate`);
  return { type, value, start: 0, end: raw.length };
}

const PAGES: PageDocument[] = [
  makePage({
    url: 'https://shop.example.org/annonce-1',
    title: FORMULA_TITLE,
    text: `Vente de faux billets de 50 euros, qualité parfaite. Contact ${EMAIL}, paiement ${BTC}.`,
    fetchedAt: '2026-05-01T10:00:00.000Z',
    targetId: 'shops',
    entities: [entity('email', EMAIL), entity('btc', BTC), entity('url', LINK)],
    flags: [makeFlag('counterfeit', 0.9)],
  }),
  makePage({
    url: 'https://forum.other.net/t/42',
    title: 'Annonce, "promo" de la semaine',
    text: `Faux billets disponibles, livraison rapide.\nÉcrire à ${EMAIL}.`,
    fetchedAt: '2026-05-12T09:30:00.000Z',
    targetId: 'forums',
    language: 'en',
    entities: [entity('email', EMAIL), entity('telegram', '@vendeur_billets')],
    flags: [makeFlag('counterfeit', 0.8)],
  }),
  makePage({
    url: 'https://blog.example.org/recette',
    title: 'Recette de la tarte aux pommes',
    text: 'Une recette de cuisine familiale, sans rien de suspect.',
    fetchedAt: '2026-05-13T08:00:00.000Z',
    targetId: 'blogs',
  }),
];

let desk: TestDesk;
let investigator: DeskClient;
let analyst: DeskClient;
let ops: DeskClient;

beforeAll(async () => {
  desk = await startTestDesk('desk-search');
  for (const page of PAGES) {
    await desk.pipeline.index.indexPage(page, page.flags.map((flag) => observe(page, flag.category, { score: flag.score })));
  }
  investigator = await desk.signIn('ines', 'investigator');
  analyst = await desk.signIn('anna', 'analyst');
  ops = await desk.signIn('oscar', 'ops');
}, 60_000);
afterAll(async () => desk?.close());

describe('GET /api/v1/search', () => {
  it('finds pages with the query language and filters', async () => {
    const both = await investigator.get('/api/v1/search?q=' + encodeURIComponent('"faux billets"'));
    expect(both.status).toBe(200);
    expect(both.body.total).toBe(2);
    const orNot = await investigator.get('/api/v1/search?q=' + encodeURIComponent('(recette OR billets) -livraison'));
    expect(orNot.body.hits.map((h: any) => h.url).sort()).toEqual(['https://blog.example.org/recette', 'https://shop.example.org/annonce-1']);
    const filtered = await investigator.get('/api/v1/search?q=billets&domain=other.net&language=en');
    expect(filtered.body.hits.map((h: any) => h.url)).toEqual(['https://forum.other.net/t/42']);
    const byEntity = await investigator.get('/api/v1/search?entity=' + encodeURIComponent(`email:${EMAIL.toUpperCase()}`));
    expect(byEntity.body.total).toBe(2);
  });

  it('answers facets over the whole matching set and a weekly histogram', async () => {
    const response = await investigator.get('/api/v1/search?limit=1&facets=1&histogram=week');
    expect(response.status).toBe(200);
    expect(response.body.hits).toHaveLength(1);
    expect(response.body.total).toBe(3);
    expect(response.body.facets.category).toEqual([{ value: 'counterfeit', count: 2 }]);
    expect(response.body.facets.target.map((f: any) => f.value).sort()).toEqual(['blogs', 'forums', 'shops']);
    expect(response.body.facets.domain).toEqual(expect.arrayContaining([{ value: 'example.org', count: 2 }, { value: 'other.net', count: 1 }]));
    // 2026-05-01 is a Friday (week of Monday 27 April); the 12th and 13th are in the week of the 11th.
    expect(response.body.histogram.map((b: any) => [b.start.slice(0, 10), b.count])).toEqual([['2026-04-27', 1], ['2026-05-11', 2]]);
    const plain = await investigator.get('/api/v1/search?q=billets');
    expect(plain.body.facets).toBeUndefined();
    expect(plain.body.histogram).toBeUndefined();
  });

  it('answers bad syntax with 400 bad-query naming the position', async () => {
    const response = await investigator.get('/api/v1/search?q=' + encodeURIComponent('billets AND (faux'));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('bad-query');
    expect(response.body.error.message).toMatch(/position 12/);
    const badField = await investigator.get('/api/v1/search?q=' + encodeURIComponent('category:nonsense'));
    expect(badField.body.error.code).toBe('bad-query');
  });

  it('answers bad parameters with 400 bad-request, never a 500', async () => {
    for (const query of ['offset=9990&limit=20', 'offset=-1', 'from=yesterday', 'limit=0', 'limit=5000', 'histogram=hour', 'facets=maybe', 'category=cats', 'entity=nonsense', 'entity=btc:notawallet', 'nope=1']) {
      const response = await investigator.get(`/api/v1/search?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('bad-request');
    }
  });

  it('is for roles with search:read: ops get 403 (audited), the anonymous 401', async () => {
    const denied = await ops.get('/api/v1/search?q=billets');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    const audit = await desk.desk.listAudit({ actor: 'oscar', action: 'access.denied', limit: 5 });
    expect(audit[0]).toMatchObject({ subject: 'GET /api/v1/search', outcome: 'denied' });
    expect((await desk.anonymous().get('/api/v1/search')).status).toBe(401);
    expect((await analyst.get('/api/v1/search?q=billets')).status).toBe(200);
  });
});

describe('GET /api/v1/search/export', () => {
  /** RFC 4180 records (the unit tests check the writer in depth; this reads what the server sent). */
  function records(text: string): string[][] {
    const rows: string[][] = [];
    const pattern = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n)/gy;
    let row: string[] = [];
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const cell = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!;
      row.push(cell);
      if (m[2] === '\r\n') {
        rows.push(row);
        row = [];
      }
      if (pattern.lastIndex === text.length) break;
    }
    return rows;
  }

  it('streams CSV as an attachment: header row, RFC 4180 quoting, formulas neutralised, bounds in headers', async () => {
    const response = await investigator.get('/api/v1/search/export?format=csv&q=billets');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="vigie-search-\d{8}T\d{6}Z\.csv"$/);
    expect(response.headers.get('x-vigie-export-total')).toBe('2');
    expect(response.headers.get('x-vigie-export-rows')).toBe('2');
    expect(response.headers.get('x-vigie-export-limit')).toBe('50000');
    expect(response.headers.get('x-vigie-export-truncated')).toBe('false');
    const rows = records(response.text);
    expect(rows[0]).toEqual(['id', 'url', 'title', 'fetchedAt', 'targetId', 'language', 'categories', 'snippet']);
    expect(rows).toHaveLength(3);
    const titles = rows.slice(1).map((row) => row[2]);
    expect(titles).toContain(`'${FORMULA_TITLE}`);
    expect(titles).toContain('Annonce, "promo" de la semaine');
    // The raw bytes: the formula cell is quoted (it holds quotes and commas) and starts with '.
    expect(response.text).toContain(`"'=HYPERLINK(""http://evil.example/x"",""clic"")"`);
  });

  it('exports JSON with the query, counts and every page', async () => {
    const response = await investigator.get('/api/v1/search/export?format=json&category=counterfeit');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/\.json"$/);
    expect(response.body).toMatchObject({ query: { category: 'counterfeit' }, total: 2, rows: 2, truncated: false, maxRows: 50000 });
    expect(response.body.pages.map((p: any) => p.url).sort()).toEqual(['https://forum.other.net/t/42', 'https://shop.example.org/annonce-1']);
  });

  it('audits each export with the query and the count', async () => {
    const token = await desk.tokenClient('robot-export', 'investigator');
    expect((await token.get('/api/v1/search/export?q=recette')).status).toBe(200);
    const [line] = await desk.desk.listAudit({ actor: 'robot-export', action: 'search.export', limit: 1 });
    expect(line).toMatchObject({ outcome: 'ok', detail: { query: { q: 'recette' }, format: 'csv', total: 1, rows: 1, truncated: false, via: 'token' } });
  });

  it('refuses bad syntax before sending a file, and analysts (no search:export) get 403', async () => {
    const bad = await investigator.get('/api/v1/search/export?q=' + encodeURIComponent('"billets" OR'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad-query');
    expect(bad.headers.get('content-disposition')).toBeNull();
    const denied = await analyst.get('/api/v1/search/export?q=billets');
    expect(denied.status).toBe(403);
    expect((await desk.desk.listAudit({ actor: 'anna', action: 'search.export', limit: 1 }))).toHaveLength(0);
    expect((await investigator.get('/api/v1/search/export?format=xlsx')).status).toBe(400);
  });
});

describe('entities', () => {
  it('pivots on an entity: pages, sites, alerts and the entities seen beside it', async () => {
    const response = await investigator.get(`/api/v1/entities/email/${encodeURIComponent(EMAIL.toUpperCase())}`);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.entity).toEqual({ type: 'email', value: EMAIL });
    expect(body.total).toBe(2);
    expect(body.sampledPages).toBe(2);
    expect(body.pages.map((p: any) => p.url).sort()).toEqual(['https://forum.other.net/t/42', 'https://shop.example.org/annonce-1']);
    expect(body.sites).toEqual(expect.arrayContaining([
      { host: 'shop.example.org', site: 'example.org', pages: 1 },
      { host: 'forum.other.net', site: 'other.net', pages: 1 },
    ]));
    expect(body.cooccurring.map((e: any) => `${e.type}:${e.value}`).sort()).toEqual([`btc:${BTC}`, 'telegram:vendeur_billets', `url:${normalizeEntityValue('url', LINK)}`].sort());
    expect(body.alerts.map((a: any) => a.category)).toEqual(['counterfeit', 'counterfeit']);
    expect(new Set(body.alerts.map((a: any) => a.contentHash))).toEqual(new Set([PAGES[0]!.contentHash, PAGES[1]!.contentHash]));
  });

  it('takes a value holding slashes and a query string, percent-encoded in the path', async () => {
    const response = await investigator.get(`/api/v1/entities/url/${encodeURIComponent(LINK)}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(1);
    expect(response.body.pages[0].url).toBe('https://shop.example.org/annonce-1');
  });

  it('answers an entity nobody mentions with empty lists, and a malformed one with 400', async () => {
    const none = await investigator.get('/api/v1/entities/email/personne%40example.net');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ total: 0, pages: [], sites: [], cooccurring: [], alerts: [] });
    const malformed = await investigator.get('/api/v1/entities/btc/not-a-wallet');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad-request');
    expect((await investigator.get('/api/v1/entities/shoesize/42')).status).toBe(400);
  });

  it('draws the graph of entities shared across sites', async () => {
    const response = await investigator.get('/api/v1/entities/graph');
    expect(response.status).toBe(200);
    const node = response.body.nodes.find((n: any) => n.id === `entity:email:${EMAIL}`);
    expect(node).toMatchObject({ kind: 'entity', type: 'email', pages: 2 });
    // The wallet is on one site only: not shared, not in the graph.
    expect(response.body.nodes.some((n: any) => n.id === `entity:btc:${BTC}`)).toBe(false);
    const edges = response.body.edges.filter((e: any) => e.source === node.id).map((e: any) => e.target).sort();
    expect(edges).toEqual(['site:example.org', 'site:other.net']);
    const oneSite = await investigator.get('/api/v1/entities/graph?minSites=1&type=btc');
    expect(oneSite.body.nodes.some((n: any) => n.id === `entity:btc:${BTC}`)).toBe(true);
    expect((await investigator.get('/api/v1/entities/graph?minSites=0')).status).toBe(400);
  });

  it('is closed to ops', async () => {
    expect((await ops.get(`/api/v1/entities/email/${encodeURIComponent(EMAIL)}`)).status).toBe(403);
    expect((await ops.get('/api/v1/entities/graph')).status).toBe(403);
  });
});

describe('OpenAPI', () => {
  it('lists the investigators routes with their capabilities', async () => {
    const response = await desk.anonymous().get('/api/docs/openapi.json');
    const paths = Object.keys(response.body.paths);
    for (const path of ['/api/v1/search', '/api/v1/search/export', '/api/v1/entities/graph', '/api/v1/entities/{type}/{value}', '/api/v1/saved-searches', '/api/v1/saved-searches/{id}/run']) {
      expect(paths, path).toContain(path);
    }
  });
});
