// Re-crawling one target through the whole pipeline: conditional requests (ETag, Last-Modified),
// 304 answers, and change detection. A local forum of five pages, each with its own validators
// (both, ETag only, Last-Modified only, none), is crawled four times:
//   1. first crawl: everything indexed, the drug-sale page raises an alert;
//   2. nothing changed: 304 wherever the server can say so, nothing indexed or raised, and the
//      links of a 304 page are still followed (/b, linked only from /a, is asked for again);
//   3. /b, which answered 404 until now, exists: found only through /a (still 304), it is indexed;
//   4. the drug-sale page's text changes: a new version with its own signed manifest chained to
//      the first one, and the alert rules applied to the new content. The home page's navigation
//      (outside its main text) gains a link to /new and a new ETag: same text, so "unchanged";
//   5. nothing changed: the home page answers 304, and its links are those of the 200 of run 4
//      (/new is still followed), not those of the version first indexed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce, type CrawlReport } from '../../cli/commands/crawl.ts';
import { targetSchema, type WatchTarget } from '../../config/index.ts';
import { loadTrustedKeys, parseSignedManifest, verifyEvidence, type EvidenceManifest } from '../../crawler/evidence/index.ts';
import type { Alert, PageDocument } from '../../indexer/types.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

interface SitePage {
  text: string;
  links?: string[];
  /** Links outside the main text (they do not change its hash). */
  nav?: string[];
  etag?: string;
  lastModified?: string;
  /** 404 while unset; the page "appears" when set. */
  missing?: boolean;
}

interface SiteRequest {
  run: number;
  path: string;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  status: number;
}

const DRUGS_V1 = 'Vente de cocaïne pure et de méphédrone, livraison discrète en 24h, paiement en bitcoin.';
const DRUGS_V2 = 'Nouveau stock: héroïne et MDMA en vente, envoi discret par la poste, paiement en Monero uniquement.';
const anchors = (hrefs: string[] | undefined) => (hrefs ?? []).map((href) => `<a href="${href}">${href}</a>`).join(' ');
const html = (page: SitePage) => '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>forum</title></head><body>'
  + `<nav>${anchors(page.nav)}</nav><main><p>${page.text}</p>${anchors(page.links)}</main></body></html>`;

/** The site's state, changed by the test between runs. */
const pages: Record<string, SitePage> = {
  '/': {
    text: 'Accueil du forum des petites annonces, sommaire des rubriques.',
    links: ['/a', '/etag-only', '/lm-only', '/plain'],
    etag: '"home-1"',
    lastModified: 'Mon, 01 Jan 2024 10:00:00 GMT',
  },
  '/a': { text: 'Rubrique entraide: questions des membres sur le fonctionnement du site.', links: ['/b'], etag: '"a-1"', lastModified: 'Mon, 01 Jan 2024 10:00:00 GMT' },
  '/etag-only': { text: DRUGS_V1, etag: '"drugs-1"' },
  '/lm-only': { text: 'Règlement du forum: soyez courtois et restez dans le sujet de chaque rubrique.', lastModified: 'Tue, 02 Jan 2024 08:30:00 GMT' },
  '/plain': { text: 'Page de contact sans validateurs: le serveur la renvoie toujours en entier.' },
  '/b': { text: 'Archive des anciennes discussions, ouverte depuis peu aux visiteurs.', etag: '"b-1"', missing: true },
  '/new': { text: 'Nouvelle rubrique: présentations des nouveaux membres du forum.', etag: '"new-1"' },
};

const requests: SiteRequest[] = [];
let currentRun = 0;

/**
 * Answers 304 as an origin server would (RFC 9110 13.1): If-None-Match wins over
 * If-Modified-Since. A 304 carries the ETag but, as the RFC allows, not Last-Modified.
 */
function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const page = pages[path];
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  const answer = (status: number, headers: Record<string, string>, body?: string) => {
    requests.push({ run: currentRun, path, ifNoneMatch, ifModifiedSince, status });
    res.writeHead(status, headers).end(body);
  };
  if (!page || page.missing) return answer(404, { 'content-type': 'text/html' }, '<h1>not found</h1>');
  const validators: Record<string, string> = {
    ...(page.etag ? { etag: page.etag } : {}),
    ...(page.lastModified ? { 'last-modified': page.lastModified } : {}),
  };
  const notModified = ifNoneMatch !== undefined
    ? page.etag !== undefined && ifNoneMatch.split(',').map((tag) => tag.trim()).includes(page.etag)
    : ifModifiedSince !== undefined && page.lastModified !== undefined && Date.parse(ifModifiedSince) >= Date.parse(page.lastModified);
  if (notModified) return answer(304, page.etag ? { etag: page.etag } : {});
  answer(200, { 'content-type': 'text/html; charset=utf-8', ...validators }, html(page));
}

describe('re-crawling a target: conditional requests and change detection', () => {
  let site: TestServer;
  let pipeline: TestPipeline;
  let target: WatchTarget;
  const reports: CrawlReport[] = [];
  const pageCounts: number[] = [];
  const alertsAfter: Alert[][] = [];

  const url = (path: string) => site.url(path);
  const requestsOf = (run: number) => requests.filter((r) => r.run === run && r.path !== '/robots.txt');
  const statusesOf = (run: number) => Object.fromEntries(requestsOf(run).map((r) => [r.path, r.status]));
  const versionsOf = async (path: string): Promise<PageDocument[]> => {
    const { hits } = await pipeline.index.search({ targetId: target.id, limit: 100 });
    const docs = await Promise.all(hits.filter((hit) => hit.url === url(path)).map((hit) => pipeline.index.getPage(hit.id)));
    return docs.filter((doc): doc is PageDocument => doc !== null).sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt));
  };
  const manifestOf = async (doc: PageDocument): Promise<EvidenceManifest> => {
    const bytes = await pipeline.deps.evidence.store.getManifest(doc.evidence!.manifestSha256);
    const parsed = parseSignedManifest(bytes!);
    if (!parsed.ok) throw new Error(`manifest of ${doc.url} unreadable: ${parsed.message}`);
    return parsed.signed.manifest;
  };

  beforeAll(async () => {
    site = await startHttpServer(serve);
    pipeline = await startTestPipeline('recrawl');
    target = targetSchema.parse({
      id: 'recrawl-forum',
      name: 'Recrawled forum',
      seeds: [site.url('/')],
      allowPrivate: true,
      maxDepth: 3,
      politeness: { perHostConcurrency: 4, minDelayMs: 0 },
    });
    const between: Array<() => void> = [
      () => undefined,
      () => undefined,
      () => {
        pages['/b']!.missing = false;
      },
      () => {
        pages['/etag-only'] = { text: DRUGS_V2, etag: '"drugs-2"' };
        pages['/'] = { ...pages['/']!, nav: ['/new'], etag: '"home-2"', lastModified: 'Wed, 03 Jan 2024 09:00:00 GMT' };
      },
      () => undefined,
    ];
    for (const [i, change] of between.entries()) {
      currentRun = i + 1;
      change();
      reports.push(await crawlOnce(pipeline.deps, target, { concurrency: 4, pollMs: 100 }));
      pageCounts.push(await pipeline.index.countPages());
      alertsAfter.push(await pipeline.index.listAlerts({ targetId: target.id }));
    }
  }, 100_000);

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
  });

  it('run 1 indexes every page and raises the drug-sale alert', () => {
    expect(reports[0]).toMatchObject({ pages: 5, unchanged: 0, changed: 0, alertsNew: 1, errors: 1, errorsByCode: { 'http-status': 1 } });
    expect(requestsOf(1).every((r) => r.ifNoneMatch === undefined && r.ifModifiedSince === undefined)).toBe(true);
    expect(pageCounts[0]).toBe(5);
    expect(alertsAfter[0]!.map((a) => [a.category, a.urls])).toEqual([['drugs', [url('/etag-only')]]]);
  });

  it('run 2 (nothing changed) sends the stored validators and gets 304 wherever the server can give one', () => {
    const byPath = Object.fromEntries(requestsOf(2).map((r) => [r.path, r]));
    expect(byPath['/']).toMatchObject({ ifNoneMatch: '"home-1"', ifModifiedSince: 'Mon, 01 Jan 2024 10:00:00 GMT', status: 304 });
    expect(byPath['/a']).toMatchObject({ ifNoneMatch: '"a-1"', status: 304 });
    expect(byPath['/etag-only']).toMatchObject({ ifNoneMatch: '"drugs-1"', ifModifiedSince: undefined, status: 304 });
    expect(byPath['/lm-only']).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: 'Tue, 02 Jan 2024 08:30:00 GMT', status: 304 });
    // No validators to send: fetched in full, recognised as unchanged by its main text.
    expect(byPath['/plain']).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: undefined, status: 200 });
  });

  it('run 2 raises nothing new and indexes nothing', () => {
    expect(reports[1]).toMatchObject({ pages: 0, unchanged: 5, changed: 0, alerts: 0, alertsNew: 0, entities: 0 });
    expect(pageCounts[1]).toBe(pageCounts[0]);
    expect(alertsAfter[1]).toEqual(alertsAfter[0]);
  });

  it('run 2 still follows the links of a page that answered 304', () => {
    // /b is linked only from /a, and /a answered 304: its links came from the stored version.
    expect(statusesOf(2)).toMatchObject({ '/a': 304, '/b': 404 });
    expect(reports[1]).toMatchObject({ errors: 1, errorsByCode: { 'http-status': 1 } });
  });

  it('run 3 indexes a new page found only through a 304 page', async () => {
    expect(statusesOf(3)).toMatchObject({ '/': 304, '/a': 304, '/etag-only': 304, '/lm-only': 304, '/b': 200 });
    expect(reports[2]).toMatchObject({ pages: 1, unchanged: 5, changed: 0, alertsNew: 0, errors: 0 });
    expect(pageCounts[2]).toBe(pageCounts[0]! + 1);
    expect((await versionsOf('/b')).map((doc) => doc.runId)).toEqual([reports[2]!.runId]);
  });

  it('keeps conditional requests going when a 304 omits Last-Modified', () => {
    // The 304s of run 2 carried no Last-Modified: the stored one must still be sent afterwards.
    for (const run of [3, 4]) {
      const byPath = Object.fromEntries(requestsOf(run).map((r) => [r.path, r]));
      expect(byPath['/lm-only'], `run ${run}`).toMatchObject({ ifModifiedSince: 'Tue, 02 Jan 2024 08:30:00 GMT', status: 304 });
      expect(byPath['/'], `run ${run}`).toMatchObject({ ifNoneMatch: '"home-1"', ifModifiedSince: 'Mon, 01 Jan 2024 10:00:00 GMT' });
    }
  });

  it('run 4 re-analyses the changed page and keeps it as a new version', async () => {
    expect(statusesOf(4)).toMatchObject({ '/etag-only': 200, '/': 200, '/a': 304, '/b': 304, '/lm-only': 304, '/plain': 200, '/new': 200 });
    // The home page's main text did not change: unchanged, though its new link is followed.
    expect(reports[3]).toMatchObject({ pages: 2, changed: 1, unchanged: 5, errors: 0 });
    expect(pageCounts[3]).toBe(pageCounts[2]! + 2);
    expect(await versionsOf('/')).toHaveLength(1);
    const versions = await versionsOf('/etag-only');
    expect(versions.map((doc) => doc.runId)).toEqual([reports[0]!.runId, reports[3]!.runId]);
    expect(versions.map((doc) => doc.text)).toEqual([DRUGS_V1, DRUGS_V2]);
    expect(versions[0]!.id).not.toBe(versions[1]!.id);
  });

  it("chains the new version's signed manifest to the first one, and both verify", async () => {
    const [first, second] = await versionsOf('/etag-only');
    const firstManifest = await manifestOf(first!);
    const secondManifest = await manifestOf(second!);
    expect(firstManifest.previousManifest).toBeUndefined();
    expect(secondManifest).toMatchObject({ pageId: second!.id, contentHash: second!.contentHash, runId: reports[3]!.runId });
    expect(secondManifest.previousManifest).toBe(first!.evidence!.manifestSha256);

    const report = await verifyEvidence(pipeline.deps.evidence.store, { trustedKeys: await loadTrustedKeys(pipeline.deps.settings.dataDir) });
    expect(report.failures).toEqual([]);
    // One manifest per indexed page version, none for the unchanged ones.
    expect(report.manifests).toBe(pageCounts[3]);
  });

  it('raises an alert for the new content and keeps the old one', async () => {
    expect(reports[3]).toMatchObject({ alerts: 1, alertsNew: 1 });
    const [first, second] = await versionsOf('/etag-only');
    const alerts = alertsAfter[3]!;
    expect(alerts).toHaveLength(2);
    const byContent = Object.fromEntries(alerts.map((a) => [a.contentHash, a]));
    expect(byContent[first!.contentHash]).toEqual(alertsAfter[0]![0]);
    expect(byContent[second!.contentHash]).toMatchObject({ category: 'drugs', pageId: second!.id, urls: [url('/etag-only')], pageCount: 1, status: 'new' });
  });

  it('run 5 follows the links of the latest 200 of a page that now answers 304', () => {
    const byPath = Object.fromEntries(requestsOf(5).map((r) => [r.path, r]));
    expect(byPath['/']).toMatchObject({ ifNoneMatch: '"home-2"', status: 304 });
    expect(byPath['/new']).toMatchObject({ ifNoneMatch: '"new-1"', status: 304 });
    expect(reports[4]).toMatchObject({ pages: 0, unchanged: 7, changed: 0, alerts: 0, alertsNew: 0, errors: 0 });
    expect(pageCounts[4]).toBe(pageCounts[3]);
  });
});
