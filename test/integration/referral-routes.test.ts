// Referrals on the real desk (real Redis, embedded index, desk store, Chromium printing the
// report): the services, referring an alert (package built, stored in the evidence store and
// verifiable; referral recorded; alert decided 'referred'; audited), the list, one referral, the
// package download (audited as an export), status changes, bad input and roles, and a package
// that cannot be built (evidence gone) recording nothing.
import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndStoreEvidence, loadTrustedKeys, sha256Hex } from '../../crawler/evidence/index.ts';
import type { Category } from '../../extractors/types.ts';
import type { Alert } from '../../indexer/types.ts';
import { verifyReferralPackage } from '../../review/referrals/index.ts';
import { flaggedPage } from '../contract/index-fixtures.ts';
import { startTestDesk, TEST_PASSWORD, type DeskClient, type TestDesk } from '../helpers/desk.ts';
import { CHROMIUM_PATH } from '../helpers/referral-fixtures.ts';

let desk: TestDesk;
let analyst: DeskClient;
let bot: DeskClient;

/** A flagged page with stored, signed evidence, indexed with its alert. */
async function alertWithEvidence(category: Category, text: string): Promise<{ alert: Alert; bodySha256: string }> {
  const { page, observations } = flaggedPage(category, { url: `https://forum.example.test/${encodeURIComponent(text.slice(0, 12))}`, text, score: 0.9 });
  const body = Buffer.from(`<html><body><p>${text}</p></body></html>`);
  const stored = await buildAndStoreEvidence(
    {
      pageId: page.id, url: page.url, finalUrl: page.url, redirects: [], targetId: page.targetId, runId: page.runId,
      fetchedAt: page.fetchedAt, completedAt: page.fetchedAt, httpStatus: 200, remoteAddress: '203.0.113.9', tls: null, rendered: false,
      contentHash: page.contentHash, artifacts: [{ role: 'response-body', bytes: body, mediaType: 'text/html; charset=utf-8' }],
    },
    desk.pipeline.deps.evidence,
  );
  await desk.pipeline.index.indexPage({ ...page, evidence: { manifestSha256: stored.manifestSha256, artifacts: stored.artifacts } }, observations);
  return { alert: (await desk.pipeline.index.getAlert(observations[0]!.id))!, bodySha256: stored.artifacts[0]!.sha256 };
}

const artifactPath = (hex: string) => join(desk.pipeline.deps.settings.dataDir, 'evidence', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);

describe.skipIf(!existsSync(CHROMIUM_PATH))('the referral API', () => {
  let alert: Alert;

  beforeAll(async () => {
    desk = await startTestDesk('desk-referrals');
    analyst = await desk.signIn('alice', 'analyst');
    bot = await desk.tokenClient('robot', 'analyst');
    ({ alert } = await alertWithEvidence('carding', 'Vends cartes bancaires avec CVV, paiement en bitcoin'));
  }, 120_000);
  afterAll(async () => desk?.close());

  it('lists the configured services to whoever reads alerts', async () => {
    const answer = await analyst.get('/api/v1/referral-services');
    expect(answer.status).toBe(200);
    const ids = answer.body.services.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['ofmin', 'pnat-dgsi-sdat', 'pnlh', 'ofac', 'europol-siena', 'interpol', 'hosting-notice', 'pharos-blocking']));
    expect(answer.body.services.find((s: { id: string }) => s.id === 'ofac')).toMatchObject({ label: { fr: expect.any(String), en: expect.any(String) }, suggestedFor: expect.arrayContaining(['carding']) });
    expect((await desk.anonymous().get('/api/v1/referral-services')).status).toBe(401);
  });

  it('refers an alert: package stored and verifiable, referral recorded, alert referred, all audited', async () => {
    const created = await analyst.post(`/api/v1/alerts/${alert.id}/referrals`, { service: 'ofac', qualification: '  Escroquerie (Code pénal, art. 313-1)  ', comment: 'Vendeur actif' });
    expect(created.status, created.text).toBe(201);
    const referral = created.body.referral;
    expect(referral).toMatchObject({ alertId: alert.id, service: 'ofac', qualification: 'Escroquerie (Code pénal, art. 313-1)', comment: 'Vendeur actif', createdBy: 'alice', status: 'prepared' });
    expect(referral.packageSha256).toMatch(/^[0-9a-f]{64}$/);

    const decided = (await desk.pipeline.index.getAlert(alert.id))!;
    expect(decided.status).toBe('referred');
    expect(decided.decision).toMatchObject({ actor: 'alice', comment: expect.stringContaining('Escroquerie (Code pénal, art. 313-1)') });
    expect(decided.decision!.comment).toContain(referral.id);

    const stored = await desk.pipeline.deps.evidence.store.getArtifact(referral.packageSha256);
    expect(stored).not.toBeNull();
    const download = await fetch(`${desk.baseUrl}/api/v1/referrals/${referral.id}/package`, { headers: { cookie: await sessionCookie('alice') } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="referral-${referral.id}.zip"`);
    const zip = Buffer.from(await download.arrayBuffer());
    expect(sha256Hex(zip)).toBe(referral.packageSha256);
    const trusted = await loadTrustedKeys(desk.pipeline.deps.settings.dataDir);
    const report = verifyReferralPackage(zip, trusted);
    expect(report.problems).toEqual([]);
    expect(report.manifest?.referral).toMatchObject({ id: referral.id, alertId: alert.id, analyst: 'alice', service: { id: 'ofac' } });
    expect(report.manifest?.files.map((f) => f.path)).toEqual(expect.arrayContaining(['report.pdf', 'misp-event.json', 'stix-bundle.json']));

    const created_ = await desk.desk.listAudit({ action: 'referral.create', subject: alert.id, limit: 10 });
    expect(created_).toHaveLength(1);
    expect(created_[0]).toMatchObject({ actor: 'alice', outcome: 'ok', detail: { referralId: referral.id, service: 'ofac', packageSha256: referral.packageSha256 } });
    const exported = await desk.desk.listAudit({ action: 'referral.export', subject: referral.id, limit: 10 });
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ actor: 'alice', outcome: 'ok' });

    const listed = await analyst.get(`/api/v1/referrals?alert=${alert.id}`);
    expect(listed.body.referrals.map((r: { id: string }) => r.id)).toEqual([referral.id]);
    const one = await analyst.get(`/api/v1/referrals/${referral.id}`);
    expect(one.body).toMatchObject({ referral: { id: referral.id }, statusHistory: [{ status: 'prepared', actor: 'alice' }] });
    // The alert's own page shows it.
    expect((await analyst.get(`/api/v1/alerts/${alert.id}`)).body.referrals.map((r: { id: string }) => r.id)).toEqual([referral.id]);
  }, 180_000);

  it('records status changes, audited, and filters by them', async () => {
    const [referral] = await desk.desk.listReferrals({ alertId: alert.id, limit: 1 });
    const sent = await bot.post(`/api/v1/referrals/${referral!.id}/status`, { status: 'sent' });
    expect(sent.status).toBe(200);
    expect(sent.body.referral).toMatchObject({ status: 'sent' });
    expect((await bot.get(`/api/v1/referrals/${referral!.id}`)).body.statusHistory.map((h: { status: string }) => h.status)).toEqual(['prepared', 'sent']);
    expect((await bot.get('/api/v1/referrals?status=sent')).body.referrals.map((r: { id: string }) => r.id)).toEqual([referral!.id]);
    expect((await bot.get('/api/v1/referrals?status=closed')).body.referrals).toEqual([]);
    const audit = await desk.desk.listAudit({ action: 'referral.status', subject: referral!.id, limit: 10 });
    expect(audit[0]).toMatchObject({ actor: 'robot', detail: { from: 'prepared', to: 'sent' } });

    expect((await bot.post(`/api/v1/referrals/${referral!.id}/status`, { status: 'lost' })).body.error.code).toBe('bad-request');
    expect((await bot.post('/api/v1/referrals/nope/status', { status: 'sent' })).status).toBe(404);
  });

  it('refuses bad input with a clear error and builds nothing', async () => {
    const url = `/api/v1/alerts/${alert.id}/referrals`;
    const before = (await desk.desk.listReferrals({ limit: 100 })).length;
    const cases: [unknown, number, string, RegExp][] = [
      [{ service: 'nsa', qualification: 'x' }, 400, 'bad-request', /service: no referral service "nsa"/],
      [{ service: 'ofac', qualification: '   ' }, 400, 'bad-request', /qualification/],
      [{ service: 'ofac' }, 400, 'bad-request', /qualification/],
      [{ service: 'ofac', qualification: 'x', extra: 1 }, 400, 'bad-request', /extra|Unrecognized/i],
      [{ service: 'ofac', qualification: 'x'.repeat(5001) }, 400, 'bad-request', /qualification/],
    ];
    for (const [body, status, code, message] of cases) {
      const answer = await bot.post(url, body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.error.code).toBe(code);
      expect(answer.body.error.message).toMatch(message);
    }
    expect((await bot.post('/api/v1/alerts/no-such-alert/referrals', { service: 'ofac', qualification: 'x' })).body.error.code).toBe('not-found');
    expect((await desk.desk.listReferrals({ limit: 100 })).length).toBe(before);
  });

  it('lets only those with referrals:write refer or download, and wants the CSRF token from a browser', async () => {
    const investigator = await desk.signIn('ivan', 'investigator');
    const [referral] = await desk.desk.listReferrals({ alertId: alert.id, limit: 1 });
    expect((await investigator.post(`/api/v1/alerts/${alert.id}/referrals`, { service: 'ofac', qualification: 'x' })).body.error.code).toBe('forbidden');
    expect((await investigator.get(`/api/v1/referrals/${referral!.id}/package`)).body.error.code).toBe('forbidden');
    expect((await investigator.get('/api/v1/referrals')).status).toBe(403);
    const noCsrf = await analyst.request('POST', `/api/v1/referrals/${referral!.id}/status`, { status: 'closed' }, { 'x-csrf-token': 'wrong' });
    expect(noCsrf.body.error.code).toBe('csrf-failed');
    expect((await desk.desk.getReferral(referral!.id))!.status).toBe('sent');
  });

  it('records nothing when the package cannot be built (evidence gone): 503, audited as failed', async () => {
    const broken = await alertWithEvidence('hate', 'Message haineux appelant à la violence contre un groupe');
    await unlink(artifactPath(broken.bodySha256));
    const answer = await bot.post(`/api/v1/alerts/${broken.alert.id}/referrals`, { service: 'pnlh', qualification: 'Provocation à la haine' });
    expect(answer.status).toBe(503);
    expect(answer.body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('referral-evidence-missing') });
    expect(await desk.desk.listReferrals({ alertId: broken.alert.id, limit: 10 })).toEqual([]);
    expect((await desk.pipeline.index.getAlert(broken.alert.id))!.status).toBe('new');
    const audit = await desk.desk.listAudit({ action: 'referral.create', subject: broken.alert.id, limit: 10 });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'failed', detail: expect.objectContaining({ error: 'referral-evidence-missing' }) })]);
  }, 120_000);

  it('refuses to serve a stored package whose bytes changed', async () => {
    const [referral] = await desk.desk.listReferrals({ alertId: alert.id, limit: 1 });
    const path = artifactPath(referral!.packageSha256);
    await writeFile(path, Buffer.from('tampered'));
    const answer = await bot.get(`/api/v1/referrals/${referral!.id}/package`);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
  });
});

/** A fresh session cookie for a raw fetch of a binary answer (the desk client decodes text). */
async function sessionCookie(username: string): Promise<string> {
  const response = await fetch(`${desk.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return (response.headers.getSetCookie()[0] ?? '').split(';')[0]!;
}
