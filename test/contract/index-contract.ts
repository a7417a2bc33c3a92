// The SearchIndex contract: every implementation runs this same suite.
//
// `makeIndex` opens the store under test. The store is empty at the start of each test, and
// calling makeIndex again within the same test opens the SAME store again (a new connection or
// client): that is how durability is checked after close(). The suite calls init() and closes
// whatever it opened.
import { afterEach, describe, expect, it } from 'vitest';
import type { Category, Entity } from '../../extractors/types.ts';
import { alertId } from '../../indexer/ids.ts';
import { MAX_ALERT_URLS, MAX_CONTENT_HASHES } from '../../indexer/types.ts';
import type { AlertDecision, PageDocument, SearchIndex, SearchResult } from '../../indexer/types.ts';
import { SearchSyntaxError } from '../../indexer/search-syntax.ts';
import { flaggedPage, makeFlag, makePage, minutesAfter, observe } from './index-fixtures.ts';

const T0 = '2024-05-01T10:00:00.000Z';

const HOSTILE_QUERIES = [
  '"', '""', '"""', '"unbalanced phrase', '*', '**', 'cocaine*', 'AND OR NOT', 'NOT', 'OR', '(', ')', '(a OR b',
  'NEAR', 'NEAR(a b)', 'NEAR/2', 'col:', 'title:cocaine', 'text:*', ':', '^', '^cocaine', '-', '+', '~', '\\', "'",
  "'; DROP TABLE pages; --", '{}[]', '\u0000', '🙂', ' ', '', 'x AND', 'a'.repeat(5000), '"a" OR "b"', '@#$%&|!',
];

export function runIndexContract(name: string, makeIndex: () => Promise<SearchIndex>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    const opened: SearchIndex[] = [];

    async function open(): Promise<SearchIndex> {
      const index = await makeIndex();
      opened.push(index);
      await index.init();
      return index;
    }

    afterEach(async () => {
      for (const index of opened.splice(0)) await index.close();
    });

    describe('pages', () => {
      it('round-trips a page with its entities and flags, and init is idempotent', async () => {
        const index = await open();
        await index.init();
        const entities: Entity[] = [
          { type: 'btc', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', start: 10, end: 52, details: { kind: 'bech32' } },
          { type: 'email', value: 'vendeur@example.org', start: 60, end: 79 },
        ];
        const page = makePage({ entities, flags: [makeFlag('drugs', 0.91), makeFlag('fraud', 0.4)], language: null });
        expect(await index.getPage(page.id)).toBeNull();
        await index.indexPage(page, []);
        expect(await index.getPage(page.id)).toEqual(page);
        expect(await index.countPages()).toBe(1);
      });

      it('round-trips the capture facts of a rendered page: evidence references, address, near-duplicate', async () => {
        const index = await open();
        const sha = (c: string) => c.repeat(64);
        const page: PageDocument = {
          ...makePage({ url: 'https://example.org/rendered' }),
          rendered: true,
          remoteAddress: '2001:db8::7',
          nearDuplicateOf: sha('c'),
          media: [
            { url: 'https://example.org/a.jpg', kind: 'image', sha256: sha('e'), md5: 'f'.repeat(32), phash: '8f0f0f0f0f0f0f0f', bytes: 5120, mediaType: 'image/jpeg' },
            { url: 'https://example.org/b.zip', kind: 'file', sha256: sha('1'), bytes: 99, mediaType: '' },
          ],
          evidence: {
            manifestSha256: sha('a'),
            artifacts: [
              { role: 'response-body', sha256: sha('b'), bytes: 1234, mediaType: 'text/html; charset=utf-8' },
              { role: 'screenshot', sha256: sha('d'), bytes: 99_000, mediaType: 'image/png' },
            ],
            warc: { file: 't/run-1/vigie-20261123000000000-1-00000.warc.gz', recordId: '<urn:uuid:6f1c8a1e-0000-4000-8000-000000000000>' },
          },
        };
        await index.indexPage(page, []);
        expect(await index.getPage(page.id)).toEqual(page);
      });

      it('re-indexing the same page and observations changes nothing', async () => {
        const index = await open();
        const { page, observations } = flaggedPage('drugs', { text: 'Vente de cocaïne, livraison discrète.' });
        expect(await index.indexPage(page, observations)).toEqual({ alertsCreated: 1, alertsUpdated: 0 });
        const alertBefore = await index.getAlert(observations[0]!.id);
        expect(await index.indexPage(page, observations)).toEqual({ alertsCreated: 0, alertsUpdated: 0 });
        expect(await index.countPages()).toBe(1);
        expect(await index.getAlert(observations[0]!.id)).toEqual(alertBefore);
        expect(await index.getPage(page.id)).toEqual(page);
      });

      it('a new content version of the same URL is a new page', async () => {
        const index = await open();
        const v1 = makePage({ url: 'https://example.org/annonce/7', text: 'Première version du texte.' });
        const v2 = makePage({ url: 'https://example.org/annonce/7', text: 'Seconde version du texte.', fetchedAt: minutesAfter(T0, 60) });
        expect(v2.id).not.toBe(v1.id);
        await index.indexPage(v1, [observe(v1, 'fraud')]);
        await index.indexPage(v2, [observe(v2, 'fraud')]);
        expect(await index.countPages()).toBe(2);
        expect(await index.getPage(v1.id)).toEqual(v1);
        expect(await index.getPage(v2.id)).toEqual(v2);
        expect(await index.listAlerts({})).toHaveLength(2);
      });

      it('keeps the latest fetch of the same page, whatever the order of writes', async () => {
        const index = await open();
        const first = makePage({ fetchedAt: T0, runId: 'run-1' });
        const later = { ...first, fetchedAt: minutesAfter(T0, 30), runId: 'run-2' };
        await index.indexPage(first, []);
        await index.indexPage(later, []);
        expect(await index.getPage(first.id)).toEqual(later);
        await index.indexPage(first, []);
        expect(await index.getPage(first.id)).toEqual(later);
        expect(await index.countPages()).toBe(1);
        const found = await index.search({ text: 'ordinaire' });
        expect(found.total).toBe(1);
        expect(found.hits[0]!.fetchedAt).toBe(later.fetchedAt);
      });

      it('scans every page once, in id order, in batches, with target and date filters', async () => {
        const index = await open();
        const pages = Array.from({ length: 7 }, (_, k) =>
          makePage({ url: `https://example.org/p/${k}`, text: `Page numéro ${k}.`, targetId: k % 2 === 0 ? 'even' : 'odd', fetchedAt: minutesAfter(T0, k) }),
        );
        for (const page of pages) await index.indexPage(page, []);
        const seen: string[] = [];
        let after: string | undefined;
        let batches = 0;
        do {
          const batch = await index.scanPages({ after, limit: 3 });
          expect(batch.pages.length).toBeLessThanOrEqual(3);
          seen.push(...batch.pages.map((p) => p.id));
          after = batch.next;
          batches += 1;
        } while (after !== undefined && batches < 10);
        expect(seen).toEqual(pages.map((p) => p.id).sort());
        expect(await index.getPage(seen[0]!)).toEqual(pages.find((p) => p.id === seen[0]));
        const even = await index.scanPages({ limit: 100, targetId: 'even' });
        expect(even.pages.map((p) => p.targetId)).toEqual(['even', 'even', 'even', 'even']);
        expect(even.next).toBeUndefined();
        const late = await index.scanPages({ limit: 100, since: minutesAfter(T0, 5) });
        expect(late.pages.map((p) => p.url).sort()).toEqual(['https://example.org/p/5', 'https://example.org/p/6']);
      });

      it('rejects a page whose fetch time is not a time', async () => {
        const index = await open();
        await expect(index.indexPage(makePage({ fetchedAt: 'yesterday-ish' }), [])).rejects.toThrow(/fetchedAt/);
      });
    });

    describe('alerts', () => {
      it('merges the same content seen on two URLs into one alert', async () => {
        const index = await open();
        const text = 'Cartes bancaires clonées à vendre, paiement en bitcoin.';
        const a = flaggedPage('carding', { url: 'https://shop-a.example/1', text, score: 0.6, seenAt: T0 });
        const b = flaggedPage('carding', { url: 'https://shop-b.example/x', text, score: 0.9, seenAt: minutesAfter(T0, 5), ruleIds: ['carding-bins'] });
        expect(a.observations[0]!.id).toBe(b.observations[0]!.id);
        expect(await index.indexPage(a.page, a.observations)).toEqual({ alertsCreated: 1, alertsUpdated: 0 });
        expect(await index.indexPage(b.page, b.observations)).toEqual({ alertsCreated: 0, alertsUpdated: 1 });
        const alert = await index.getAlert(a.observations[0]!.id);
        expect(alert).toMatchObject({
          id: alertId(a.page.contentHash, 'carding'),
          status: 'new',
          category: 'carding',
          score: 0.9,
          contentHash: a.page.contentHash,
          targetId: 'target-a',
          pageId: a.page.id,
          urls: ['https://shop-a.example/1', 'https://shop-b.example/x'],
          pageCount: 2,
          firstSeen: T0,
          lastSeen: minutesAfter(T0, 5),
        });
        expect([...alert!.ruleIds].sort()).toEqual(['carding-bins', 'carding-rule']);
        expect(await index.listAlerts({})).toHaveLength(1);
      });

      it('seeing the same page again does not bump pageCount, a lower score does not lower it', async () => {
        const index = await open();
        const { page, observations } = flaggedPage('weapons', { score: 0.7, seenAt: T0 });
        await index.indexPage(page, observations);
        const again = [observe(page, 'weapons', { score: 0.5, seenAt: minutesAfter(T0, 120) })];
        expect(await index.indexPage({ ...page, fetchedAt: minutesAfter(T0, 120) }, again)).toEqual({ alertsCreated: 0, alertsUpdated: 1 });
        const alert = await index.getAlert(observations[0]!.id);
        expect(alert).toMatchObject({ pageCount: 1, score: 0.7, firstSeen: T0, lastSeen: minutesAfter(T0, 120), urls: [page.url] });
      });

      it('caps the URLs of an alert, keeping the oldest, while still counting pages', async () => {
        const index = await open();
        const text = 'Le même texte de hameçonnage recopié sur de nombreux sites.';
        const copies = Array.from({ length: MAX_ALERT_URLS + 5 }, (_, i) => flaggedPage('fraud', { url: `https://copy-${i}.example/`, text }));
        for (const { page, observations } of copies) await index.indexPage(page, observations);
        const alert = await index.getAlert(copies[0]!.observations[0]!.id);
        expect(alert!.urls).toEqual(copies.slice(0, MAX_ALERT_URLS).map(({ page }) => page.url));
        expect(alert!.pageCount).toBe(MAX_ALERT_URLS + 5);
      });

      it('lists alerts by score then lastSeen, newest first, with filters and paging', async () => {
        const index = await open();
        const specs = [
          { category: 'drugs', score: 0.9, minutes: 0, targetId: 'target-a' },
          { category: 'hate', score: 0.5, minutes: 30, targetId: 'target-b' },
          { category: 'drugs', score: 0.5, minutes: 10, targetId: 'target-b' },
          { category: 'weapons', score: 0.7, minutes: 20, targetId: 'target-a' },
        ] as const;
        const ids: string[] = [];
        for (const [i, spec] of specs.entries()) {
          const { page, observations } = flaggedPage(spec.category, {
            url: `https://example.org/t/${i}`,
            text: `Texte numéro ${i} signalé.`,
            score: spec.score,
            seenAt: minutesAfter(T0, spec.minutes),
            targetId: spec.targetId,
          });
          await index.indexPage(page, observations);
          ids.push(observations[0]!.id);
        }
        const ordered = await index.listAlerts({});
        expect(ordered.map((alert) => alert.id)).toEqual([ids[0], ids[3], ids[1], ids[2]]);
        expect((await index.listAlerts({ category: 'drugs' })).map((alert) => alert.id)).toEqual([ids[0], ids[2]]);
        expect((await index.listAlerts({ targetId: 'target-b' })).map((alert) => alert.id)).toEqual([ids[1], ids[2]]);
        expect(await index.listAlerts({ status: 'new' })).toHaveLength(4);
        expect(await index.listAlerts({ status: 'dismissed' })).toEqual([]);
        expect((await index.listAlerts({ limit: 2, offset: 1 })).map((alert) => alert.id)).toEqual([ids[3], ids[1]]);
        expect(await index.getAlert('no-such-alert')).toBeNull();
      });
    });

    describe('decisions and calibration', () => {
      const analyst = (status: AlertDecision['status'], extra: Partial<AlertDecision> = {}): AlertDecision => ({
        status, actor: 'analyste-1', at: minutesAfter(T0, 60), ...extra,
      });

      async function alertOf(index: SearchIndex, text: string, ruleIds: string[], score = 0.8): Promise<string> {
        const { page, observations } = flaggedPage('drugs', { text, url: `https://example.org/${encodeURIComponent(text)}`, ruleIds, score });
        await index.indexPage(page, observations);
        return observations[0]!.id;
      }

      it('records a decision on the alert and appends it to its history; an unknown alert records nothing', async () => {
        const index = await open();
        const id = await alertOf(index, 'Vente de résine, livraison.', ['drugs-sale']);
        expect(await index.alertHistory(id)).toEqual([]);
        const dismissed = await index.decideAlert(id, analyst('dismissed', { reason: 'legitimate-content', comment: 'article de presse' }));
        expect(dismissed).toMatchObject({ id, status: 'dismissed', decision: { status: 'dismissed', reason: 'legitimate-content', actor: 'analyste-1' } });
        await index.decideAlert(id, analyst('confirmed', { at: minutesAfter(T0, 90), actor: 'chef' }));
        const stored = await index.getAlert(id);
        expect(stored).toMatchObject({ status: 'confirmed', decision: { status: 'confirmed', actor: 'chef' } });
        expect(stored!.decision!.reason).toBeUndefined();
        expect(await index.alertHistory(id)).toEqual([
          { alertId: id, status: 'dismissed', previousStatus: 'new', reason: 'legitimate-content', comment: 'article de presse', actor: 'analyste-1', at: minutesAfter(T0, 60) },
          { alertId: id, status: 'confirmed', previousStatus: 'dismissed', actor: 'chef', at: minutesAfter(T0, 90) },
        ]);
        expect(await index.decideAlert('no-such-alert', analyst('confirmed'))).toBeNull();
        expect(await index.alertHistory('no-such-alert')).toEqual([]);
      });

      it('a new sighting of decided content keeps its status and decision', async () => {
        const index = await open();
        const { page, observations } = flaggedPage('drugs', { text: 'Vente de résine.', ruleIds: ['drugs-sale'] });
        await index.indexPage(page, observations);
        await index.decideAlert(observations[0]!.id, analyst('dismissed', { reason: 'false-positive' }));
        const mirror = makePage({ url: 'https://mirror.example/r', text: 'Vente de résine.' });
        await index.indexPage(mirror, [observe(mirror, 'drugs', { ruleIds: ['drugs-sale', 'drugs-other'], seenAt: minutesAfter(T0, 5) })]);
        const alert = await index.getAlert(observations[0]!.id);
        expect(alert).toMatchObject({ status: 'dismissed', decision: { reason: 'false-positive' }, pageCount: 2 });
        expect(alert!.ruleIds).toEqual(['drugs-sale', 'drugs-other']);
      });

      it('counts per rule the alerts confirmed and those dismissed for a reason that blames detection', async () => {
        const index = await open();
        const a = await alertOf(index, 'texte a', ['r-1']);
        const b = await alertOf(index, 'texte b', ['r-1', 'r-2']);
        const c = await alertOf(index, 'texte c', ['r-2']);
        const d = await alertOf(index, 'texte d', ['r-2']);
        const e = await alertOf(index, 'texte e', ['r-3']);
        await alertOf(index, 'texte f', ['r-1']);
        await index.decideAlert(a, analyst('confirmed'));
        await index.decideAlert(b, analyst('dismissed', { reason: 'false-positive' }));
        await index.decideAlert(c, analyst('dismissed', { reason: 'duplicate' }));
        await index.decideAlert(d, analyst('referred'));
        // Confirmed, then dismissed as out of jurisdiction: the latest decision says nothing about the rule.
        await index.decideAlert(e, analyst('confirmed'));
        await index.decideAlert(e, analyst('dismissed', { reason: 'out-of-jurisdiction' }));
        expect(await index.ruleOutcomes()).toEqual([
          { ruleId: 'r-1', confirmed: 1, dismissed: 1 },
          { ruleId: 'r-2', confirmed: 1, dismissed: 1 },
        ]);
      });

      it('ranks the queue by calibrated score, recalibrates alerts when factors change, and merges new sightings with them', async () => {
        const index = await open();
        const noisy = await alertOf(index, 'texte bruyant', ['r-noisy'], 0.9);
        const precise = await alertOf(index, 'texte précis', ['r-precise'], 0.7);
        expect((await index.listAlerts({})).map((x) => x.id)).toEqual([noisy, precise]);
        expect((await index.getAlert(noisy))!.calibratedScore).toBe(0.9);

        expect(await index.applyRuleFactors({ 'r-noisy': 0.5, 'r-precise': 1.2 })).toEqual({ alertsUpdated: 2 });
        expect(await index.ruleFactors()).toEqual({ 'r-noisy': 0.5, 'r-precise': 1.2 });
        expect((await index.getAlert(noisy))!).toMatchObject({ score: 0.9, calibratedScore: 0.45 });
        expect((await index.getAlert(precise))!.calibratedScore).toBe(0.84);
        expect((await index.listAlerts({})).map((x) => x.id)).toEqual([precise, noisy]);
        // The same factors again change nothing.
        expect(await index.applyRuleFactors({ 'r-noisy': 0.5, 'r-precise': 1.2 })).toEqual({ alertsUpdated: 0 });

        const fresh = await alertOf(index, 'texte nouveau', ['r-noisy'], 0.8);
        expect((await index.getAlert(fresh))!.calibratedScore).toBe(0.4);
        // Dropping a factor restores the raw weights of that rule's alerts.
        expect(await index.applyRuleFactors({ 'r-precise': 1.2 })).toEqual({ alertsUpdated: 2 });
        expect((await index.getAlert(fresh))!.calibratedScore).toBe(0.8);
        await expect(index.applyRuleFactors({ 'r-x': Number.NaN })).rejects.toThrow(/factor/);
      });
    });

    describe('alert queue and stats', () => {
      const by = (status: AlertDecision['status'], minutes: number, extra: Partial<AlertDecision> = {}): AlertDecision => ({
        status, actor: 'analyste-1', at: minutesAfter(T0, minutes), ...extra,
      });

      /** One page flagged in several categories (scores in the given order), seen at T0 + minutes. */
      async function pageIn(index: SearchIndex, key: string, scores: Partial<Record<Category, number>>, minutes = 0, url = `https://example.org/${key}`) {
        const page = makePage({ url, text: `Texte ${key} signalé.`, fetchedAt: minutesAfter(T0, minutes), targetId: `target-${key.charAt(0)}` });
        const observations = Object.entries(scores).map(([category, score]) => observe(page, category as Category, { score }));
        await index.indexPage(page, observations);
        return Object.fromEntries(observations.map((o) => [o.category, o.id])) as Record<Category, string>;
      }

      it('finds decided alerts seen again after their decision (a mirror of confirmed content), until decided again', async () => {
        const index = await open();
        const id = (await pageIn(index, 'r1', { drugs: 0.8 })).drugs;
        const undecided = (await pageIn(index, 'r2', { drugs: 0.7 }, 5)).drugs;
        await index.decideAlert(id, by('confirmed', 10));
        expect(await index.countAlerts({ seenSinceDecision: true })).toBe(0);
        // The same content on a new URL after the decision: the alert was seen since.
        expect((await pageIn(index, 'r1', { drugs: 0.8 }, 20, 'https://mirror.example/r1')).drugs).toBe(id);
        await pageIn(index, 'r2', { drugs: 0.7 }, 25, 'https://mirror.example/r2');
        expect((await index.listAlerts({ seenSinceDecision: true })).map((a) => a.id)).toEqual([id]);
        expect(await index.countAlerts({ seenSinceDecision: true, statuses: ['confirmed', 'referred'] })).toBe(1);
        expect(await index.countAlerts({ seenSinceDecision: true, status: 'dismissed' })).toBe(0);
        expect((await index.listAlertGroups({ seenSinceDecision: true })).map((g) => g.top.id)).toEqual([id]);
        expect(undecided).not.toBe(id);
        // Decided again after the new sighting: no longer waiting for a look.
        await index.decideAlert(id, by('referred', 30));
        expect(await index.countAlerts({ seenSinceDecision: true })).toBe(0);
      });

      it('assigns alerts: the holder is kept through an escalation, changed by one that names someone, cleared when closed', async () => {
        const index = await open();
        const id = (await pageIn(index, 'a1', { drugs: 0.8 })).drugs;
        const other = (await pageIn(index, 'b1', { hate: 0.6 })).hate;
        expect((await index.getAlert(id))!.assignee).toBeUndefined();
        expect(await index.decideAlert(id, by('assigned', 10, { assignee: 'alice' }))).toMatchObject({ status: 'assigned', assignee: 'alice' });
        await index.decideAlert(other, by('assigned', 10, { assignee: 'bob' }));
        expect((await index.listAlerts({ assignee: 'alice' })).map((a) => a.id)).toEqual([id]);
        expect(await index.countAlerts({ assignee: 'bob' })).toBe(1);
        // Assigning is not deciding: no first decision time yet.
        expect((await index.getAlert(id))!.firstDecidedAt).toBeUndefined();

        await index.decideAlert(id, by('escalated', 20));
        expect(await index.getAlert(id)).toMatchObject({ status: 'escalated', assignee: 'alice', firstDecidedAt: minutesAfter(T0, 20) });
        await index.decideAlert(id, by('escalated', 30, { assignee: 'chef' }));
        expect((await index.getAlert(id))!.assignee).toBe('chef');
        await index.decideAlert(id, by('confirmed', 40));
        const closed = await index.getAlert(id);
        expect(closed!.assignee).toBeUndefined();
        expect(closed!.firstDecidedAt).toBe(minutesAfter(T0, 20));
        expect(await index.listAlerts({ assignee: 'chef' })).toEqual([]);
        expect((await index.alertHistory(id)).map((h) => [h.status, h.assignee])).toEqual([
          ['assigned', 'alice'],
          ['escalated', undefined],
          ['escalated', 'chef'],
          ['confirmed', undefined],
        ]);
        // A new sighting keeps the holder.
        await index.decideAlert(other, by('escalated', 50));
        const mirror = makePage({ url: 'https://mirror.example/b1', text: 'Texte b1 signalé.', fetchedAt: minutesAfter(T0, 60) });
        await index.indexPage(mirror, [observe(mirror, 'hate', { score: 0.6 })]);
        expect(await index.getAlert(other)).toMatchObject({ status: 'escalated', assignee: 'bob', pageCount: 2 });
      });

      it('filters the queue by statuses, lastSeen range and content, and counts what it lists', async () => {
        const index = await open();
        const a = await pageIn(index, 'a2', { drugs: 0.9, fraud: 0.3 }, 0);
        const b = await pageIn(index, 'b2', { weapons: 0.7 }, 60);
        const c = await pageIn(index, 'c2', { hate: 0.5 }, 120);
        await index.decideAlert(a.fraud, by('dismissed', 130, { reason: 'false-positive' }));
        await index.decideAlert(b.weapons, by('assigned', 130, { assignee: 'alice' }));
        await index.decideAlert(c.hate, by('escalated', 130));
        const open_ = { statuses: ['new', 'assigned', 'escalated'] as AlertDecision['status'][] };
        expect((await index.listAlerts(open_)).map((x) => x.id)).toEqual([a.drugs, b.weapons, c.hate]);
        expect(await index.countAlerts(open_)).toBe(3);
        expect(await index.countAlerts({})).toBe(4);
        expect(await index.countAlerts({ ...open_, limit: 1, offset: 2 })).toBe(3);
        expect((await index.listAlerts({ ...open_, limit: 1, offset: 1 })).map((x) => x.id)).toEqual([b.weapons]);
        expect((await index.listAlerts({ ...open_, status: 'escalated' })).map((x) => x.id)).toEqual([c.hate]);
        expect(await index.countAlerts({ ...open_, status: 'dismissed' })).toBe(0);
        // lastSeen range, inclusive at both ends.
        expect((await index.listAlerts({ from: minutesAfter(T0, 60) })).map((x) => x.id)).toEqual([b.weapons, c.hate]);
        expect((await index.listAlerts({ from: minutesAfter(T0, 60), to: minutesAfter(T0, 60) })).map((x) => x.id)).toEqual([b.weapons]);
        expect(await index.countAlerts({ to: minutesAfter(T0, 59) })).toBe(2);
        const hashA = (await index.getAlert(a.drugs))!.contentHash;
        expect((await index.listAlerts({ contentHash: hashA })).map((x) => x.id)).toEqual([a.drugs, a.fraud]);
        expect(await index.countAlerts({ contentHash: hashA, category: 'fraud', targetId: 'target-a' })).toBe(1);
        await expect(index.listAlerts({ statuses: [] })).rejects.toMatchObject({ code: 'invalid-alert-filter' });
        await expect(index.countAlerts({ statuses: ['new', 'closed' as AlertDecision['status']] })).rejects.toMatchObject({ code: 'invalid-alert-filter' });
        await expect(index.listAlerts({ from: 'last tuesday' })).rejects.toThrow(/from/);
      });

      it('groups the alerts of one content into one row, ranked by its best alert', async () => {
        const index = await open();
        const multi = await pageIn(index, 'a3', { drugs: 0.5, fraud: 0.95, weapons: 0.7 }, 0);
        const mirror = makePage({ url: 'https://mirror.example/a3', text: 'Texte a3 signalé.', fetchedAt: minutesAfter(T0, 5) });
        await index.indexPage(mirror, [observe(mirror, 'drugs', { score: 0.5 }), observe(mirror, 'fraud', { score: 0.95 })]);
        const single = await pageIn(index, 'b3', { hate: 0.8 }, 10);
        const low = await pageIn(index, 'c3', { carding: 0.2 }, 20);

        const groups = await index.listAlertGroups({});
        expect(groups.map((g) => g.alertIds)).toEqual([[multi.fraud, multi.weapons, multi.drugs], [single.hate], [low.carding]]);
        expect(groups[0]).toMatchObject({ categories: ['fraud', 'weapons', 'drugs'], urlCount: 2, pageCount: 2 });
        expect(groups[0]!.top).toEqual(await index.getAlert(multi.fraud));
        expect(groups[0]!.contentHash).toBe(groups[0]!.top.contentHash);
        expect(groups[1]).toMatchObject({ categories: ['hate'], urlCount: 1, pageCount: 1 });
        expect(await index.countAlertGroups({})).toBe(3);
        expect((await index.listAlertGroups({ limit: 1, offset: 1 })).map((g) => g.top.id)).toEqual([single.hate]);

        // The filter applies to the alerts first: a dismissed category leaves the group, and the next best leads it.
        await index.decideAlert(multi.fraud, by('dismissed', 30, { reason: 'wrong-category' }));
        const queue = await index.listAlertGroups({ statuses: ['new', 'assigned', 'escalated'] });
        expect(queue.map((g) => g.alertIds)).toEqual([[single.hate], [multi.weapons, multi.drugs], [low.carding]]);
        expect(await index.countAlertGroups({ statuses: ['new'], category: 'drugs' })).toBe(1);
        expect(await index.countAlertGroups({ status: 'referred' })).toBe(0);
        expect(await index.listAlertGroups({ status: 'referred' })).toEqual([]);
      });

      it('gives the alerts of given contents, ranked and bounded', async () => {
        const index = await open();
        const a = await pageIn(index, 'a4', { drugs: 0.4, fraud: 0.6 });
        const b = await pageIn(index, 'b4', { hate: 0.9 });
        await pageIn(index, 'c4', { weapons: 0.99 });
        const hashOf = async (id: string) => (await index.getAlert(id))!.contentHash;
        const found = await index.alertsForContent([await hashOf(a.drugs), await hashOf(b.hate), 'f'.repeat(64), await hashOf(a.drugs)]);
        expect(found.map((x) => x.id)).toEqual([b.hate, a.fraud, a.drugs]);
        expect(found[0]).toEqual(await index.getAlert(b.hate));
        expect(await index.alertsForContent([])).toEqual([]);
        expect(await index.alertsForContent(['0'.repeat(64)])).toEqual([]);
        const tooMany = Array.from({ length: MAX_CONTENT_HASHES + 1 }, (_, i) => i.toString(16).padStart(64, '0'));
        await expect(index.alertsForContent(tooMany)).rejects.toMatchObject({ code: 'invalid-alert-filter' });
      });

      it('counts alerts per category and ISO week, current decisions, and time to decision', async () => {
        const index = await open();
        // T0 is Wednesday 2024-05-01 (ISO week 18); +7 days is week 19; 2024-04-28 (Sunday) is week 17.
        const day = 24 * 60;
        const w18a = await pageIn(index, 'a5', { drugs: 0.8, fraud: 0.5 }, 0);
        const w18b = await pageIn(index, 'b5', { drugs: 0.7 }, 4 * day + 13 * 60); // Sunday 2024-05-05 23:00
        const w19 = await pageIn(index, 'c5', { drugs: 0.6 }, 5 * day); // Monday 2024-05-06
        const w17 = await pageIn(index, 'd5', { hate: 0.9 }, -3 * day);
        await index.decideAlert(w18a.drugs, by('assigned', 30, { assignee: 'alice' }));
        await index.decideAlert(w18a.drugs, by('confirmed', 120)); // 2 h after first sight
        await index.decideAlert(w18a.drugs, by('referred', 600)); // later decisions do not move the first
        await index.decideAlert(w18b.drugs, by('dismissed', 4 * day + 13 * 60 + 240, { reason: 'false-positive' })); // 4 h
        await index.decideAlert(w19.drugs, by('escalated', 5 * day + 30 * 60)); // 30 h
        await index.decideAlert(w18a.fraud, by('dismissed', 60, { reason: 'duplicate' })); // 1 h
        await index.decideAlert(w17.hate, by('new', 10)); // back to the queue: not a decision

        const all = await index.alertStats({});
        expect(all.perCategoryWeek).toEqual([
          { week: '2024-W17', category: 'hate', alerts: 1 },
          { week: '2024-W18', category: 'drugs', alerts: 2 },
          { week: '2024-W18', category: 'fraud', alerts: 1 },
          { week: '2024-W19', category: 'drugs', alerts: 1 },
        ]);
        expect(all.decisions).toEqual([
          { status: 'new', count: 1 },
          { status: 'dismissed', reason: 'duplicate', count: 1 },
          { status: 'dismissed', reason: 'false-positive', count: 1 },
          { status: 'escalated', count: 1 },
          { status: 'referred', count: 1 },
        ]);
        expect(all.timeToDecision).toEqual([
          { category: 'drugs', decided: 3, medianHours: 4, p90Hours: expect.any(Number) },
          { category: 'fraud', decided: 1, medianHours: 1, p90Hours: 1 },
        ]);
        const drugs = all.timeToDecision[0]!;
        expect(drugs.p90Hours).toBeGreaterThan(4);
        expect(drugs.p90Hours).toBeLessThanOrEqual(30);

        const week18 = await index.alertStats({ from: T0, to: minutesAfter(T0, 5 * day - 1) });
        expect(week18.perCategoryWeek).toEqual([
          { week: '2024-W18', category: 'drugs', alerts: 2 },
          { week: '2024-W18', category: 'fraud', alerts: 1 },
        ]);
        expect(week18.timeToDecision.map((t) => [t.category, t.decided, t.medianHours])).toEqual([['drugs', 2, 3], ['fraud', 1, 1]]);
        expect(await index.alertStats({ from: '2030-01-01T00:00:00Z' })).toEqual({ perCategoryWeek: [], decisions: [], timeToDecision: [] });
        await expect(index.alertStats({ to: 'soon' })).rejects.toThrow(/to/);
      });
    });

    describe('search', () => {
      async function seed(index: SearchIndex): Promise<Record<string, string>> {
        const pages = {
          drugs: makePage({
            url: 'https://forum.example.org/t/1',
            title: 'Vente de cocaïne',
            text: 'Livraison rapide de cocaïne pure, paiement en bitcoin uniquement. Contact sur Telegram.',
            flags: [makeFlag('drugs', 0.9), makeFlag('fraud', 0.3)],
            entities: [{ type: 'btc', value: 'bc1qshared', start: 0, end: 10 }, { type: 'telegram', value: '@dealer', start: 11, end: 18 }],
            fetchedAt: '2024-01-01T00:00:00.000Z',
          }),
          english: makePage({
            url: 'https://example.org/en/post',
            title: 'Fresh cocaine shipped',
            text: 'We ship cocaine worldwide. Rapide? No: fast delivery, pay with bitcoin.',
            language: 'en',
            targetId: 'target-b',
            flags: [makeFlag('drugs', 0.8)],
            entities: [{ type: 'btc', value: 'bc1qshared', start: 0, end: 10 }],
            fetchedAt: '2024-01-15T00:00:00.000Z',
          }),
          unrelated: makePage({
            url: 'https://notexample.org/blog',
            title: 'Recette de cuisine',
            text: 'Une œuvre culinaire : la rapide livraison des ingrédients compte moins que leur fraîcheur.',
            fetchedAt: '2024-02-01T00:00:00.000Z',
          }),
          spoof: makePage({
            url: 'https://example.org.attacker.net/login',
            title: 'Connexion',
            text: 'Veuillez saisir votre mot de passe pour le paiement en bitcoin.',
            flags: [makeFlag('fraud', 0.95)],
            entities: [{ type: 'btc', value: 'bc1qother', start: 0, end: 9 }],
            fetchedAt: '2024-03-01T00:00:00.000Z',
          }),
        };
        for (const page of Object.values(pages)) await index.indexPage(page, []);
        return Object.fromEntries(Object.entries(pages).map(([key, page]) => [key, page.id]));
      }

      const ids = (result: { hits: { id: string }[] }): string[] => result.hits.map((hit) => hit.id).sort();

      it('finds accented and unaccented forms of a word, in any case, in title or text', async () => {
        const index = await open();
        const id = await seed(index);
        for (const text of ['cocaine', 'cocaïne', 'COCAÏNE', 'Cocaine']) {
          expect(ids(await index.search({ text }))).toEqual([id.drugs, id.english].sort());
        }
        expect(ids(await index.search({ text: 'oeuvre' }))).toEqual([id.unrelated]);
        expect(ids(await index.search({ text: 'œuvre' }))).toEqual([id.unrelated]);
        expect(ids(await index.search({ text: 'fraicheur' }))).toEqual([id.unrelated]);
        expect(ids(await index.search({ text: 'shipped' }))).toEqual([id.english]);
      });

      it('ANDs words and keeps "quoted phrases" together', async () => {
        const index = await open();
        const id = await seed(index);
        expect(ids(await index.search({ text: 'cocaine telegram' }))).toEqual([id.drugs]);
        expect(ids(await index.search({ text: 'livraison rapide' }))).toEqual([id.drugs, id.unrelated].sort());
        expect(ids(await index.search({ text: '"livraison rapide"' }))).toEqual([id.drugs]);
        expect(ids(await index.search({ text: '"rapide livraison" ingrédients' }))).toEqual([id.unrelated]);
        expect((await index.search({ text: 'cocaine zzznotthere' })).total).toBe(0);
      });

      it('fills hits with the page facts and a snippet around the match', async () => {
        const index = await open();
        const id = await seed(index);
        const { hits, total } = await index.search({ text: 'telegram' });
        expect(total).toBe(1);
        expect(hits[0]).toMatchObject({
          id: id.drugs,
          url: 'https://forum.example.org/t/1',
          title: 'Vente de cocaïne',
          fetchedAt: '2024-01-01T00:00:00.000Z',
          targetId: 'target-a',
          language: 'fr',
        });
        expect([...hits[0]!.categories].sort()).toEqual(['drugs', 'fraud']);
        expect(hits[0]!.snippet.toLowerCase()).toContain('telegram');
        const filtered = await index.search({ domain: 'notexample.org' });
        expect(filtered.hits[0]!.snippet.length).toBeGreaterThan(0);
      });

      it('ranks a page about the term above one that mentions it once', async () => {
        const index = await open();
        const focused = makePage({ url: 'https://a.example/1', title: 'Héroïne', text: 'Héroïne pure. Héroïne livrée. Prix de l’héroïne.' });
        const filler = Array.from({ length: 120 }, (_, i) => `mot${i}`).join(' ');
        const passing = makePage({ url: 'https://b.example/2', title: 'Actualités', text: `${filler} heroine ${filler}` });
        await index.indexPage(passing, []);
        await index.indexPage(focused, []);
        const { hits } = await index.search({ text: 'heroine' });
        expect(hits.map((hit) => hit.id)).toEqual([focused.id, passing.id]);
      });

      it('pivots on an entity, alone or with text', async () => {
        const index = await open();
        const id = await seed(index);
        expect(ids(await index.search({ entity: { type: 'btc', value: 'bc1qshared' } }))).toEqual([id.drugs, id.english].sort());
        expect(ids(await index.search({ entity: { type: 'telegram', value: '@dealer' } }))).toEqual([id.drugs]);
        expect(ids(await index.search({ entity: { type: 'btc', value: 'bc1qshared' }, text: 'worldwide' }))).toEqual([id.english]);
        expect((await index.search({ entity: { type: 'email', value: 'bc1qshared' } })).total).toBe(0);
      });

      it('filters by category, target and language', async () => {
        const index = await open();
        const id = await seed(index);
        expect(ids(await index.search({ category: 'fraud' }))).toEqual([id.drugs, id.spoof].sort());
        expect(ids(await index.search({ category: 'drugs', targetId: 'target-b' }))).toEqual([id.english]);
        expect(ids(await index.search({ language: 'en' }))).toEqual([id.english]);
        expect(ids(await index.search({ text: 'bitcoin', language: 'fr' }))).toEqual([id.drugs, id.spoof].sort());
        expect((await index.search({ category: 'weapons' })).total).toBe(0);
      });

      it('filters by domain, including subdomains but not look-alikes', async () => {
        const index = await open();
        const id = await seed(index);
        const expected = [id.drugs, id.english].sort();
        expect(ids(await index.search({ domain: 'example.org' }))).toEqual(expected);
        expect(ids(await index.search({ domain: 'EXAMPLE.org' }))).toEqual(expected);
        expect(ids(await index.search({ domain: 'forum.example.org' }))).toEqual([id.drugs]);
        expect(ids(await index.search({ domain: 'notexample.org' }))).toEqual([id.unrelated]);
        expect((await index.search({ domain: 'ample.org' })).total).toBe(0);
      });

      it('filters by an inclusive date range on fetchedAt', async () => {
        const index = await open();
        const id = await seed(index);
        expect(ids(await index.search({ from: '2024-01-15T00:00:00.000Z', to: '2024-02-01T00:00:00.000Z' }))).toEqual(
          [id.english, id.unrelated].sort(),
        );
        expect(ids(await index.search({ from: '2024-02-01T00:00:00Z' }))).toEqual([id.unrelated, id.spoof].sort());
        expect(ids(await index.search({ to: '2024-01-01T00:00:00.000Z' }))).toEqual([id.drugs]);
        expect(ids(await index.search({ text: 'bitcoin', from: '2024-01-10T00:00:00.000Z', to: '2024-02-10T00:00:00.000Z' }))).toEqual([id.english]);
      });

      it('pages through results newest first with an exact total', async () => {
        const index = await open();
        const pages = Array.from({ length: 25 }, (_, i) =>
          makePage({ url: `https://example.net/p/${i}`, text: `Annonce numéro ${i} : faux papiers.`, fetchedAt: minutesAfter(T0, i) }),
        );
        await Promise.all(pages.map((page) => index.indexPage(page, [])));
        const newestFirst = [...pages].reverse().map((page) => page.id);
        const seen: string[] = [];
        for (const offset of [0, 10, 20]) {
          const result = await index.search({ text: 'faux papiers', limit: 10, offset });
          expect(result.total).toBe(25);
          seen.push(...result.hits.map((hit) => hit.id));
        }
        expect(new Set(seen)).toEqual(new Set(newestFirst));
        expect(seen).toHaveLength(25);
        const browse = await index.search({ limit: 10, offset: 5 });
        expect(browse.hits.map((hit) => hit.id)).toEqual(newestFirst.slice(5, 15));
        expect((await index.search({})).hits).toHaveLength(20);
        expect((await index.search({ limit: 5000 })).hits).toHaveLength(25);
        expect((await index.search({ limit: 0 })).total).toBe(25);
      });

      it('answers hostile query strings with results or a SearchSyntaxError, never anything else', async () => {
        const index = await open();
        await seed(index);
        let refused = 0;
        for (const text of HOSTILE_QUERIES) {
          const outcome = await index.search({ text }).catch((error: unknown) => error);
          if (outcome instanceof SearchSyntaxError) {
            refused += 1;
            continue;
          }
          expect(outcome).not.toBeInstanceOf(Error);
          const result = outcome as SearchResult;
          expect(result.total).toBeGreaterThanOrEqual(0);
          expect(result.hits.length).toBeLessThanOrEqual(result.total);
        }
        expect(refused).toBeGreaterThan(0);
        await expect(index.search({ text: '(cocaine) AND' })).rejects.toThrow(SearchSyntaxError);
        expect((await index.search({ text: 'cocaine*' })).total).toBe(2);
      });
    });

    describe('search syntax, facets, graph', () => {
      /** Six pages over four sites (example.org has two hosts), two targets, three languages. */
      async function seedSites(index: SearchIndex): Promise<Record<string, string>> {
        const email = (value: string): Entity => ({ type: 'email', value, start: 0, end: value.length });
        const btc = (value: string): Entity => ({ type: 'btc', value, start: 0, end: value.length });
        const pages = {
          forum: makePage({
            url: 'https://forum.example.org/t/1', title: 'Vente de cocaïne', text: 'Livraison rapide, paiement en bitcoin.',
            flags: [makeFlag('drugs', 0.9)], entities: [email('shared@mail.fr'), btc('bc1qwide')], fetchedAt: '2024-01-01T10:00:00.000Z',
          }),
          blog: makePage({
            url: 'https://example.org/blog/Login.php', title: 'Cocaine prices', text: 'Wholesale cocaine, contact by e-mail.', language: 'en',
            flags: [makeFlag('drugs', 0.8), makeFlag('fraud', 0.5)], entities: [email('shared@mail.fr')], fetchedAt: '2024-01-02T10:00:00.000Z',
          }),
          shop: makePage({
            url: 'https://shop.example.co.uk/armes', title: 'Armes et munitions', text: 'Paiement en bitcoin, livraison discrète.',
            targetId: 'target-b', flags: [makeFlag('weapons', 0.9)], entities: [email('shared@mail.fr'), btc('bc1qwide')],
            fetchedAt: '2024-01-09T10:00:00.000Z',
          }),
          market: makePage({
            url: 'https://market.test.fr/p/2', title: 'Marché', text: 'Cocaïne et héroïne, paiement bitcoin.', targetId: 'target-b',
            flags: [makeFlag('drugs', 0.7)], entities: [btc('bc1qwide'), email('solo@mail.fr')], fetchedAt: '2024-02-05T10:00:00.000Z',
          }),
          marketAgain: makePage({
            url: 'https://market.test.fr/p/3', title: 'Marché', text: 'Héroïne pure.', language: null,
            entities: [email('solo@mail.fr')], fetchedAt: '2024-02-06T10:00:00.000Z',
          }),
          recipe: makePage({ url: 'https://notexample.org/recette', title: 'Recette', text: 'Une œuvre culinaire rapide.', fetchedAt: '2024-03-01T10:00:00.000Z' }),
        };
        for (const page of Object.values(pages)) await index.indexPage(page, []);
        return Object.fromEntries(Object.entries(pages).map(([key, page]) => [key, page.id]));
      }
      const ids = (result: { hits: { id: string }[] }): string[] => result.hits.map((hit) => hit.id).sort();
      const sorted = (...values: string[]): string[] => [...values].sort();

      it('reads OR, NOT, parentheses, prefixes and text fields', async () => {
        const index = await open();
        const id = await seedSites(index);
        expect(ids(await index.search({ text: 'armes OR héroïne' }))).toEqual(sorted(id.shop!, id.market!, id.marketAgain!));
        expect(ids(await index.search({ text: 'bitcoin -cocaine' }))).toEqual([id.shop]);
        expect(ids(await index.search({ text: 'bitcoin NOT (cocaine OR armes)' }))).toEqual([]);
        expect(ids(await index.search({ text: '-bitcoin' }))).toEqual(sorted(id.blog!, id.marketAgain!, id.recipe!));
        expect(ids(await index.search({ text: 'hero*' }))).toEqual(sorted(id.market!, id.marketAgain!));
        expect(ids(await index.search({ text: '"paiement en bit"*' }))).toEqual(sorted(id.forum!, id.shop!));
        expect(ids(await index.search({ text: 'title:cocaine' }))).toEqual(sorted(id.forum!, id.blog!));
        expect(ids(await index.search({ text: 'text:cocaine' }))).toEqual(sorted(id.blog!, id.market!));
        expect(ids(await index.search({ text: 'oeuvre OR title:armes' }))).toEqual(sorted(id.shop!, id.recipe!));
      });

      it('reads filter fields in the query, also under OR and NOT', async () => {
        const index = await open();
        const id = await seedSites(index);
        expect(ids(await index.search({ text: 'category:weapons OR lang:en' }))).toEqual(sorted(id.shop!, id.blog!));
        expect(ids(await index.search({ text: 'bitcoin -target:target-b' }))).toEqual([id.forum]);
        expect(ids(await index.search({ text: 'domain:example.org' }))).toEqual(sorted(id.forum!, id.blog!));
        expect(ids(await index.search({ text: '-lang:fr' }))).toEqual(sorted(id.blog!, id.marketAgain!));
        expect(ids(await index.search({ text: 'entity:email:SHARED@mail.fr -domain:example.co.uk' }))).toEqual(sorted(id.forum!, id.blog!));
        expect(ids(await index.search({ text: 'url:LOGIN.php OR url:/armes' }))).toEqual(sorted(id.blog!, id.shop!));
        expect(ids(await index.search({ text: 'héroïne', category: 'drugs' }))).toEqual([id.market]);
      });

      it('rejects bad syntax with a SearchSyntaxError carrying a position', async () => {
        const index = await open();
        await seedSites(index);
        for (const text of ['(cocaine OR', 'cocaine OR', 'category:cooking', 'entity:nope:1', 'title:']) {
          const error = await index.search({ text }).catch((caught: unknown) => caught);
          expect(error, text).toBeInstanceOf(SearchSyntaxError);
          expect((error as SearchSyntaxError).position, text).toBeGreaterThanOrEqual(0);
        }
      });

      it('counts facets over the whole matching set, not the page of hits', async () => {
        const index = await open();
        const id = await seedSites(index);
        const result = await index.search({ text: 'bitcoin OR cocaine OR héroïne', limit: 1, facets: true });
        expect(result.total).toBe(5);
        expect(result.hits).toHaveLength(1);
        expect(result.facets).toEqual({
          category: [{ value: 'drugs', count: 3 }, { value: 'fraud', count: 1 }, { value: 'weapons', count: 1 }],
          target: [{ value: 'target-a', count: 3 }, { value: 'target-b', count: 2 }],
          language: [{ value: 'fr', count: 3 }, { value: 'en', count: 1 }],
          domain: [{ value: 'example.org', count: 2 }, { value: 'test.fr', count: 2 }, { value: 'example.co.uk', count: 1 }],
        });
        expect(result.histogram).toBeUndefined();
        expect((await index.search({ text: 'recette' })).facets).toBeUndefined();
        const narrowed = await index.search({ text: 'héroïne', facets: true });
        expect(ids(narrowed)).toEqual(sorted(id.market!, id.marketAgain!));
        expect(narrowed.facets?.language).toEqual([{ value: 'fr', count: 1 }]);
        expect(narrowed.facets?.domain).toEqual([{ value: 'test.fr', count: 2 }]);
      });

      it('counts a date histogram by day, Monday week and month (UTC), empty buckets left out', async () => {
        const index = await open();
        await seedSites(index);
        expect((await index.search({ histogram: 'day', to: '2024-01-10T00:00:00.000Z' })).histogram).toEqual([
          { start: '2024-01-01T00:00:00.000Z', count: 1 },
          { start: '2024-01-02T00:00:00.000Z', count: 1 },
          { start: '2024-01-09T00:00:00.000Z', count: 1 },
        ]);
        // 2024-01-01 was a Monday; 2024-02-05 too.
        expect((await index.search({ histogram: 'week' })).histogram).toEqual([
          { start: '2024-01-01T00:00:00.000Z', count: 2 },
          { start: '2024-01-08T00:00:00.000Z', count: 1 },
          { start: '2024-02-05T00:00:00.000Z', count: 2 },
          { start: '2024-02-26T00:00:00.000Z', count: 1 },
        ]);
        expect((await index.search({ text: 'bitcoin', histogram: 'month', facets: true, limit: 0 })).histogram).toEqual([
          { start: '2024-01-01T00:00:00.000Z', count: 2 },
          { start: '2024-02-01T00:00:00.000Z', count: 1 },
        ]);
      });

      it('graphs entities shared across sites (registrable domains), with pages per edge', async () => {
        const index = await open();
        await seedSites(index);
        // shared@mail.fr: forum.example.org + example.org are ONE site, shop.example.co.uk another.
        expect(await index.entityGraph({})).toEqual({
          nodes: [
            { id: 'entity:btc:bc1qwide', kind: 'entity', label: 'bc1qwide', type: 'btc', pages: 3 },
            { id: 'entity:email:shared@mail.fr', kind: 'entity', label: 'shared@mail.fr', type: 'email', pages: 3 },
            { id: 'site:example.co.uk', kind: 'site', label: 'example.co.uk', pages: 1 },
            { id: 'site:example.org', kind: 'site', label: 'example.org', pages: 2 },
            { id: 'site:test.fr', kind: 'site', label: 'test.fr', pages: 1 },
          ],
          edges: [
            { source: 'entity:btc:bc1qwide', target: 'site:example.co.uk', pages: 1 },
            { source: 'entity:btc:bc1qwide', target: 'site:example.org', pages: 1 },
            { source: 'entity:btc:bc1qwide', target: 'site:test.fr', pages: 1 },
            { source: 'entity:email:shared@mail.fr', target: 'site:example.co.uk', pages: 1 },
            { source: 'entity:email:shared@mail.fr', target: 'site:example.org', pages: 2 },
          ],
        });
        const emails = await index.entityGraph({ type: 'email', minSites: 1 });
        expect(emails.nodes.filter((node) => node.kind === 'entity').map((node) => node.id)).toEqual([
          'entity:email:shared@mail.fr',
          'entity:email:solo@mail.fr',
        ]);
        expect(emails.nodes.find((node) => node.id === 'site:test.fr')?.pages).toBe(2);
        expect((await index.entityGraph({ minSites: 3 })).nodes.map((node) => node.id)).toEqual([
          'entity:btc:bc1qwide', 'site:example.co.uk', 'site:example.org', 'site:test.fr',
        ]);
        expect((await index.entityGraph({ limit: 1 })).nodes.filter((node) => node.kind === 'entity')).toHaveLength(1);
        // Before 2024-01-05 only example.org pages exist: nothing is shared across sites.
        expect(await index.entityGraph({ to: '2024-01-05T00:00:00.000Z' })).toEqual({ nodes: [], edges: [] });
        expect((await index.search({ entity: { type: 'btc', value: 'bc1qwide' } })).total).toBe(3);
      });
    });

    it('keeps 50 concurrent writes, shared alerts counted exactly, after reopening', async () => {
      const index = await open();
      const shared = 'Le même texte de fraude recopié sur plusieurs sites.';
      const writes = Array.from({ length: 50 }, (_, i) =>
        flaggedPage('fraud', { url: `https://site-${i}.example/page`, text: i < 10 ? shared : `Texte unique numéro ${i}.` }),
      );
      const results = await Promise.all(writes.map(({ page, observations }) => index.indexPage(page, observations)));
      expect(results.reduce((sum, result) => sum + result.alertsCreated, 0)).toBe(41);
      expect(results.reduce((sum, result) => sum + result.alertsUpdated, 0)).toBe(9);
      await index.close();

      const reopened = await open();
      expect(await reopened.countPages()).toBe(50);
      for (const { page } of writes) expect(await reopened.getPage(page.id)).toEqual(page);
      const sharedAlert = await reopened.getAlert(writes[0]!.observations[0]!.id);
      expect(sharedAlert!.pageCount).toBe(10);
      expect(new Set(sharedAlert!.urls)).toEqual(new Set(writes.slice(0, 10).map(({ page }) => page.url)));
      expect(await reopened.listAlerts({ limit: 1000 })).toHaveLength(41);
    });
  });
}
