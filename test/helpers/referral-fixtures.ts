// A referred alert with real stored evidence, for the referral package tests: an instance key in
// a temp data directory, a filesystem evidence store holding a page's signed manifest and
// artifacts (hostile HTML body, headers, rendered DOM, a PNG screenshot), the page document and
// its alert.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndStoreEvidence, FsArtifactStore, loadOrCreateInstanceKey, type InstanceKey } from '../../crawler/evidence/index.ts';
import { CATEGORY_INFO } from '../../extractors/categories.ts';
import type { Category } from '../../extractors/types.ts';
import { alertId, contentHashOf, pageId } from '../../indexer/ids.ts';
import type { Alert, AlertDecisionRecord, PageDocument } from '../../indexer/types.ts';
import type { ReferralPackageInput } from '../../review/referrals/index.ts';
import { loadReferralServices } from '../../review/referrals/services.ts';
import { syntheticScene } from './synthetic-images.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const HOSTILE_TITLE = `Vente <script>alert("x")</script> & "cartes" l'été`;

export interface ReferralFixture {
  dataDir: string;
  store: FsArtifactStore;
  key: InstanceKey;
  page: PageDocument;
  alert: Alert;
  screenshotSha256: string;
  input(overrides?: Partial<ReferralPackageInput>): ReferralPackageInput;
  cleanup(): Promise<void>;
}

export async function makeReferralFixture(category: Category = 'carding'): Promise<ReferralFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigie-referral-'));
  const key = await loadOrCreateInstanceKey(dataDir);
  const store = FsArtifactStore.forDataDir(dataDir);
  const url = "https://shop.example.test/offre?id=1&x='quote'";
  const text = 'Cartes bancaires fraîches, paiement BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT, contact vendeur@example.test';
  const contentHash = contentHashOf(text);
  const id = pageId(url, contentHash);
  const body = Buffer.from(`<html><head><title>${HOSTILE_TITLE}</title><script>fetch("https://tracker.example.test/")</script></head><body><p>${text}</p><img src="https://img.example.test/a.png"></body></html>`);
  const screenshot = await syntheticScene(7, 320, 240);
  const stored = await buildAndStoreEvidence(
    {
      pageId: id,
      url,
      finalUrl: url,
      redirects: [],
      targetId: 'target-a',
      runId: 'run-1',
      fetchedAt: '2026-11-30T10:00:00.000Z',
      completedAt: '2026-11-30T10:00:02.000Z',
      httpStatus: 200,
      remoteAddress: '203.0.113.7',
      tls: null,
      rendered: true,
      contentHash,
      artifacts: [
        { role: 'response-body', bytes: body, mediaType: 'text/html; charset=utf-8' },
        { role: 'response-headers', bytes: Buffer.from(JSON.stringify({ status: 200, headers: { 'content-type': 'text/html' } })), mediaType: 'application/json' },
        { role: 'rendered-dom', bytes: Buffer.concat([body, Buffer.from('<!-- rendered -->')]), mediaType: 'text/html; charset=utf-8' },
        { role: 'screenshot', bytes: screenshot, mediaType: 'image/png' },
      ],
    },
    { store, key, vigieVersion: '0.1.0' },
  );
  const info = CATEGORY_INFO[category];
  const page: PageDocument = {
    id,
    url,
    finalUrl: url,
    targetId: 'target-a',
    runId: 'run-1',
    fetchedAt: '2026-11-30T10:00:00.000Z',
    httpStatus: 200,
    contentType: 'text/html; charset=utf-8',
    title: HOSTILE_TITLE,
    text,
    language: 'fr',
    contentHash,
    entities: [
      { type: 'btc', value: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', start: 45, end: 79 },
      { type: 'email', value: 'vendeur@example.test', start: 89, end: 109 },
      { type: 'domain', value: 'example.test', start: 97, end: 109 },
      { type: 'telegram', value: 'cartes_fraiches', start: 0, end: 5 },
    ],
    flags: [{ category, score: 0.9, tags: [...info.tags], rules: [{ ruleId: `${category}.offer`, weight: 0.9, terms: [{ term: 'cartes', start: 0, end: 6 }] }] }],
    depth: 1,
    rendered: true,
    remoteAddress: '203.0.113.7',
    evidence: { manifestSha256: stored.manifestSha256, artifacts: stored.artifacts },
    media: [{ url: 'https://img.example.test/a.png', kind: 'image', sha256: 'a'.repeat(64), md5: 'b'.repeat(32), bytes: 1234, mediaType: 'image/png' }],
  };
  const alert: Alert = {
    id: alertId(contentHash, category),
    status: 'confirmed',
    category,
    score: 0.9,
    calibratedScore: 0.85,
    tags: [...info.tags],
    ruleIds: [`${category}.offer`],
    ruleWeights: { [`${category}.offer`]: 0.9 },
    contentHash,
    targetId: 'target-a',
    pageId: id,
    urls: [url],
    pageCount: 1,
    firstSeen: '2026-11-30T10:00:00.000Z',
    lastSeen: '2026-11-30T10:00:00.000Z',
  };
  const history: AlertDecisionRecord[] = [{ alertId: alert.id, previousStatus: 'new', status: 'confirmed', actor: 'alice', at: '2026-11-30T11:00:00.000Z', comment: 'vu <b>' }];
  const services = loadReferralServices();
  const screenshotSha256 = stored.artifacts.find((a) => a.role === 'screenshot')!.sha256;
  return {
    dataDir,
    store,
    key,
    page,
    alert,
    screenshotSha256,
    input: (overrides = {}) => ({
      referralId: 'ref-0001',
      alert,
      pages: [page],
      history,
      comments: [{ id: 1, alertId: alert.id, author: 'bob', at: '2026-11-30T12:00:00.000Z', text: 'à transmettre <vite>' }],
      service: services.suggestedFor(category) ?? services.services[0]!,
      qualification: 'Escroquerie (Code pénal, art. 313-1)',
      comment: 'Vendeur actif depuis <novembre>',
      analyst: 'alice',
      createdAt: '2026-12-01T09:30:00.000Z',
      evidence: store,
      key,
      vigieVersion: '0.1.0',
      chromiumPath: CHROMIUM_PATH,
      ...overrides,
    }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}
