// The evidence views on the real desk, over pages crawled from a local site through the real
// pipeline (one rendered in Chromium, so a screenshot exists): the page with its highlight spans,
// the capture sanitised and served under its own CSP (then opened in Chromium, with and without
// that CSP, to prove nothing reaches the hostile site), the charset the crawler used, the
// screenshot and its withholding, the evidence status (and what tampering does to it), audit lines
// and roles.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { CAPTURE_CSP } from '../../review/routes/evidence-routes.ts';
import { CHROMIUM_PATH, launchDeskBrowser, type DeskBrowser } from '../helpers/desk-browser.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { hostileCapturePage } from '../fixtures/hostile-capture.ts';

const OFFER = 'Je vends de la cocaïne pure, livraison discrète partout en France, paiement en bitcoin uniquement, contact vendeur@example.org.';
// "Café à 5 € – prix « cassé »" in windows-1252: é, €, –, « and » are single bytes.
const LATIN_BODY = Buffer.concat([
  Buffer.from('<!doctype html><html><head><title>Menu</title></head><body><p>Caf', 'latin1'),
  Buffer.from([0xe9, 0x20, 0xe0, 0x20, 0x35, 0x20, 0x80, 0x20, 0x96, 0x20]),
  Buffer.from('prix ', 'latin1'),
  Buffer.from([0xab]),
  Buffer.from(' cass', 'latin1'),
  Buffer.from([0xe9, 0xbb]),
  Buffer.from('</p></body></html>', 'latin1'),
]);

let site: TestServer;
let desk: TestDesk;
let analyst: DeskClient;
let ui: DeskBrowser;
/** Requests the site received, by path (reset once the crawls are done). */
const hits = new Map<string, number>();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  if (path === '/hostile') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostileCapturePage(site.origin));
  if (path === '/latin') return void res.writeHead(200, { 'content-type': 'text/html; charset=windows-1252' }).end(LATIN_BODY);
  if (path === '/rendered') {
    return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Annonce</title></head><body><main><h1>Petites annonces</h1><p>${OFFER}</p></main></body></html>`,
    );
  }
  res.writeHead(404).end();
}

async function crawlPage(id: string, path: string, render: 'never' | 'always'): Promise<PageDocument> {
  const target = targetSchema.parse({
    id, name: id, seeds: [site.url(path)], allowPrivate: true, maxDepth: 0, robots: 'ignore', robotsIgnoreReason: 'test',
    politeness: { minDelayMs: 0 }, render,
  });
  const report = await crawlOnce(desk.pipeline.deps, target, { concurrency: 1, pollMs: 50 });
  expect(report.errors, JSON.stringify(report.errorsByCode)).toBe(0);
  const { hits: found } = await desk.pipeline.index.search({ targetId: id, limit: 10 });
  expect(found).toHaveLength(1);
  return (await desk.pipeline.index.getPage(found[0]!.id))!;
}

const siteHits = () => [...hits.values()].reduce((a, b) => a + b, 0);
const artifactPath = (hex: string) => join(desk.pipeline.deps.settings.dataDir, 'evidence', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);

describe.skipIf(!existsSync(CHROMIUM_PATH))('the evidence API', () => {
  let hostile: PageDocument;
  let latin: PageDocument;
  let rendered: PageDocument;

  beforeAll(async () => {
    site = await startHttpServer(serve);
    desk = await startTestDesk('desk-evidence');
    hostile = await crawlPage('hostile', '/hostile', 'never');
    latin = await crawlPage('latin', '/latin', 'never');
    rendered = await crawlPage('rendered', '/rendered', 'always');
    analyst = await desk.signIn('alice', 'analyst');
    ui = await launchDeskBrowser(desk);
    await ui.signIn('alice');
    hits.clear();
  }, 240_000);

  afterAll(async () => {
    await ui?.close();
    await desk?.close();
    await site?.close();
  });

  it('gives the page with term and entity spans over its own text, audited as an evidence view', async () => {
    const response = await analyst.get(`/api/v1/pages/${rendered.id}`);
    expect(response.status).toBe(200);
    const { text, highlights, marks, flags } = response.body as PageDocument & { highlights: any[]; marks: any[] };
    expect(flags.some((f) => f.category === 'drugs')).toBe(true);
    const term = highlights.find((h) => h.kind === 'term' && h.category === 'drugs');
    expect(term).toBeDefined();
    expect(text.slice(term.start, term.end).length).toBeGreaterThan(0);
    const email = highlights.find((h) => h.kind === 'entity' && h.type === 'email');
    expect(text.slice(email.start, email.end)).toBe('vendeur@example.org');
    expect(marks.length).toBeGreaterThan(0);
    const audit = await desk.desk.listAudit({ action: 'evidence.view', subject: rendered.id, limit: 10 });
    expect(audit[0]).toMatchObject({ actor: 'alice', outcome: 'ok', detail: { what: 'page' } });
  });

  it('serves the capture sanitised, as HTML under the capture CSP, framable only by the desk', async () => {
    const response = await analyst.get(`/api/v1/pages/${hostile.id}/capture`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CAPTURE_CSP);
    expect(CAPTURE_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = response.text;
    expect(html).toContain('Faux passeports');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
    // Read as a browser reads it (the unit test goes through every trick of the page).
    const document = new JSDOM(html).window.document;
    for (const element of document.querySelectorAll('*')) {
      for (const name of element.getAttributeNames()) {
        expect(name).not.toMatch(/^(on|src|srcset|href|action|formaction|background|poster|data$|http-equiv)/);
        if (name !== 'title' && name !== 'aria-label') expect(element.getAttribute(name)).not.toContain(site.origin);
      }
    }
    expect(document.querySelectorAll('script, base, link, iframe, object, embed, svg, img, meta[http-equiv]').length).toBe(0);
    for (const style of document.querySelectorAll('style')) expect(style.textContent).not.toMatch(/url\s*\(|@import/i);
    const audit = await desk.desk.listAudit({ action: 'evidence.view', subject: hostile.id, limit: 10 });
    expect(audit[0]).toMatchObject({ detail: { what: 'capture', source: 'response-body', sha256: hostile.evidence!.artifacts.find((a) => a.role === 'response-body')!.sha256 } });
  });

  it('opened in Chromium, the capture neither runs a script nor loads anything from the site, with or without its CSP', async () => {
    const requests: string[] = [];
    const page = await ui.context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`/api/v1/pages/${hostile.id}/capture`, { waitUntil: 'networkidle' });
    expect(await page.locator('h1').textContent()).toBe("Papiers d'identité vrais et faux");
    expect(await page.locator('.vigie-placeholder').count()).toBeGreaterThan(5);
    // Without the CSP (about:blank has none), the sanitised markup alone must hold.
    const { text: sanitised } = await analyst.get(`/api/v1/pages/${hostile.id}/capture`);
    const bare = await ui.context.newPage();
    bare.on('request', (request) => requests.push(request.url()));
    await bare.setContent(sanitised, { waitUntil: 'networkidle' });
    expect(await bare.locator('#offer').textContent()).toContain('Faux passeports');
    expect(await bare.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
    await page.close();
    await bare.close();
    expect(requests.filter((url) => url.startsWith(site.origin))).toEqual([]);
    expect(siteHits()).toBe(0);

    // The control: the same page unsanitised does reach the site, so the watch above can see it.
    const raw = await ui.context.newPage();
    await raw.setContent(hostileCapturePage(site.origin), { waitUntil: 'networkidle' });
    await raw.close();
    expect(siteHits()).toBeGreaterThan(0);
  }, 60_000);

  it('decodes the body with the charset the crawler used', async () => {
    const response = await analyst.get(`/api/v1/pages/${latin.id}/capture`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('Café à 5 € – prix « cassé»');
  });

  it('shows the rendered DOM by default when there is one, the response body on request', async () => {
    const dom = await analyst.get(`/api/v1/pages/${rendered.id}/capture`);
    expect(dom.status).toBe(200);
    expect(dom.text).toContain('cocaïne pure');
    const body = await analyst.get(`/api/v1/pages/${rendered.id}/capture?source=response-body`);
    expect(body.status).toBe(200);
    const audit = await desk.desk.listAudit({ action: 'evidence.view', subject: rendered.id, limit: 10 });
    expect(audit.slice(0, 2).map((line) => line.detail?.source)).toEqual(['response-body', 'rendered-dom']);
    const noDom = await analyst.get(`/api/v1/pages/${hostile.id}/capture?source=rendered-dom`);
    expect(noDom.status).toBe(404);
    expect(noDom.body.error.code).toBe('not-found');
    const bad = await analyst.get(`/api/v1/pages/${hostile.id}/capture?source=live`);
    expect(bad.status).toBe(400);
  });

  it('serves the stored screenshot bytes; a page not rendered has none', async () => {
    const shot = rendered.evidence!.artifacts.find((a) => a.role === 'screenshot')!;
    const response = await fetch(`${desk.baseUrl}/api/v1/pages/${rendered.id}/screenshot`, { headers: { cookie: await sessionCookie() } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(shot.sha256);
    const none = await analyst.get(`/api/v1/pages/${hostile.id}/screenshot`);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'not-found', message: expect.stringContaining('not rendered') });
  });

  it('withholds a screenshot the capture did not keep (404 withheld, saying why) or of a page flagged child-abuse', async () => {
    const record = Buffer.from(JSON.stringify({ reason: 'hash-list-match', category: 'child-abuse', lists: ['partner-a'], mediaUrls: [`${site.origin}/img/x.jpg`], screenshotBytes: 1234 }));
    const stored = await desk.pipeline.deps.evidence.store.putArtifact(record, 'application/json');
    const artifacts = rendered.evidence!.artifacts.filter((a) => a.role !== 'screenshot');
    const withheldPage: PageDocument = {
      ...rendered, id: `${rendered.id}-withheld`,
      evidence: { ...rendered.evidence!, artifacts: [...artifacts, { role: 'screenshot-withheld', sha256: stored.sha256, bytes: record.length, mediaType: 'application/json' }] },
    };
    const flaggedPage: PageDocument = { ...rendered, id: `${rendered.id}-flagged`, flags: [{ category: 'child-abuse', score: 0.9, tags: [], rules: [] }] };
    await desk.pipeline.index.indexPage(withheldPage, []);
    await desk.pipeline.index.indexPage(flaggedPage, []);

    const withheld = await analyst.get(`/api/v1/pages/${withheldPage.id}/screenshot`);
    expect(withheld.status).toBe(404);
    expect(withheld.body.error.code).toBe('withheld');
    expect(withheld.body.error.message).toContain('hash-list-match');
    expect(withheld.body.error.message).toContain('partner-a');
    expect(withheld.body.error.message).not.toContain('/img/x.jpg');
    const flagged = await analyst.get(`/api/v1/pages/${flaggedPage.id}/screenshot`);
    expect(flagged.status).toBe(404);
    expect(flagged.body.error.code).toBe('withheld');
    const audit = await desk.desk.listAudit({ action: 'evidence.view', subject: withheldPage.id, limit: 10 });
    expect(audit[0]).toMatchObject({ outcome: 'denied', detail: { what: 'screenshot', withheld: true } });
  });

  it('reports the evidence verified: manifest, signature, every artifact, the WARC record', async () => {
    const response = await analyst.get(`/api/v1/pages/${rendered.id}/evidence`);
    expect(response.status).toBe(200);
    const status = response.body;
    expect(status).toMatchObject({
      pageId: rendered.id, manifestSha256: rendered.evidence!.manifestSha256, verified: true, problems: [],
      manifest: { status: 'ok', fetchedAt: rendered.fetchedAt }, signature: { status: 'ok', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) },
      warc: { file: rendered.evidence!.warc!.file, recordId: rendered.evidence!.warc!.recordId, status: 'ok' },
    });
    expect(status.artifacts.map((a: { role: string }) => a.role).sort()).toEqual(['rendered-dom', 'request-headers', 'response-body', 'response-headers', 'screenshot']);
    expect(status.artifacts.every((a: { status: string }) => a.status === 'ok')).toBe(true);
    const audit = await desk.desk.listAudit({ action: 'evidence.view', subject: rendered.id, limit: 1 });
    expect(audit[0]).toMatchObject({ detail: { what: 'evidence', verified: true } });
  });

  it('shows tampering: an altered artifact fails its hash in the status, and the capture is refused', async () => {
    const body = latin.evidence!.artifacts.find((a) => a.role === 'response-body')!;
    const path = artifactPath(body.sha256);
    chmodSync(path, 0o644);
    writeFileSync(path, Buffer.from(LATIN_BODY.toString('latin1').replace('Menu', 'Mena'), 'latin1'));
    const status = (await analyst.get(`/api/v1/pages/${latin.id}/evidence`)).body;
    expect(status.verified).toBe(false);
    expect(status.signature.status).toBe('ok');
    expect(status.artifacts.find((a: { role: string }) => a.role === 'response-body')).toMatchObject({ status: 'hash-mismatch' });
    expect(status.problems).toEqual([expect.objectContaining({ code: 'artifact-hash-mismatch', artifactRole: 'response-body' })]);
    const capture = await analyst.get(`/api/v1/pages/${latin.id}/capture`);
    expect(capture.status).toBe(500);
    expect(capture.body.error).toMatchObject({ code: 'internal-error', message: expect.stringContaining('does not match its hash') });
  });

  it('lets investigators see evidence, not ops; unknown pages are 404', async () => {
    const investigator = await desk.tokenClient('ivan', 'investigator');
    expect((await investigator.get(`/api/v1/pages/${rendered.id}/evidence`)).status).toBe(200);
    const ops = await desk.signIn('olga', 'ops');
    for (const suffix of ['', '/capture', '/screenshot', '/evidence']) {
      const response = await ops.get(`/api/v1/pages/${rendered.id}${suffix}`);
      expect(response.status, suffix).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    expect((await desk.anonymous().get(`/api/v1/pages/${rendered.id}/capture`)).status).toBe(401);
    const missing = await analyst.get('/api/v1/pages/no-such-page/capture');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
  });
});

/** A session cookie for requests the JSON client cannot make (binary answers). */
async function sessionCookie(): Promise<string> {
  const cookies = await ui.context.cookies(desk.baseUrl);
  const session = cookies.find((c) => c.name === 'vigie_session')!;
  return `${session.name}=${session.value}`;
}
