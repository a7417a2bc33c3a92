// The Elasticsearch request bodies, checked without a server. The painless merge script is also
// run through a line-by-line JavaScript transliteration and compared with the embedded index's
// merge on random observation sequences: that checks its logic (not its painless syntax, which
// only the Elasticsearch integration run can check).
import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { mergeObservation, newAlert } from '../../indexer/alert-merge.ts';
import { alertsMappings, indexNames, pagesIndexRequest, pagesMappings, textAnalysisSettings, TEXT_ANALYZER } from '../../indexer/elasticsearch/mappings.ts';
import { pageScanRequest, pageSearchRequest, searchHitFrom, totalOf } from '../../indexer/elasticsearch/search-bodies.ts';
import type { EsHitSource } from '../../indexer/elasticsearch/search-bodies.ts';
import {
  ALERT_RETRY_ON_CONFLICT,
  alertUpsert,
  indexPageOperations,
  MERGE_ALERT_SCRIPT,
  RECALIBRATE_ALERT_SCRIPT,
  pageFromSource,
  pageSource,
} from '../../indexer/elasticsearch/write-bodies.ts';
import type { EsAlertSource } from '../../indexer/elasticsearch/write-bodies.ts';
import { resolveSearch } from '../../indexer/search-input.ts';
import { changedRules } from '../../indexer/alert-merge.ts';
import { applyDecision } from '../../indexer/decisions.ts';
import { calibratedScore } from '../../extractors/calibration.ts';
import {
  decisionRecordRequest,
  decisionUpdateRequest,
  historyRequest,
  recalibrateRequest,
  ruleOutcomesFrom,
  ruleOutcomesRequest,
} from '../../indexer/elasticsearch/decision-bodies.ts';
import type { Alert, AlertObservation } from '../../indexer/types.ts';
import { MAX_ALERT_URLS } from '../../indexer/types.ts';
import { flaggedPage, makeFlag, makePage, observe } from '../contract/index-fixtures.ts';

const NAMES = indexNames('vigie-test');

describe('mappings', () => {
  it('names the two indices after the prefix', () => {
    expect(NAMES).toEqual({
      pages: 'vigie-test-pages',
      alerts: 'vigie-test-alerts',
      decisions: 'vigie-test-decisions',
      calibration: 'vigie-test-calibration',
    });
  });

  it('maps ids and filters as keywords, title and text with the folding analyzer, times as dates', () => {
    const properties = pagesMappings().properties ?? {};
    for (const field of ['id', 'url', 'targetId', 'language', 'host', 'hostSuffixes', 'categories', 'entityKeys', 'contentHash']) {
      expect(properties[field]).toMatchObject({ type: 'keyword' });
    }
    expect(properties.title).toEqual({ type: 'text', analyzer: TEXT_ANALYZER });
    expect(properties.text).toEqual({ type: 'text', analyzer: TEXT_ANALYZER });
    expect(properties.fetchedTime).toEqual({ type: 'date' });
    expect(properties.entities).toEqual({ type: 'object', enabled: false });
    expect(pagesMappings().dynamic).toBe(false);
    const alertProps = alertsMappings().properties ?? {};
    expect(alertProps.lastSeen).toEqual({ type: 'date' });
    expect(alertProps.score).toEqual({ type: 'double' });
    expect(alertProps.pageIds).toMatchObject({ type: 'keyword' });
  });

  it('defines an analyzer that folds case and accents, tokenizing on non-letters', () => {
    const analysis = textAnalysisSettings().analysis;
    const analyzer = analysis?.analyzer?.[TEXT_ANALYZER] as estypes.AnalysisCustomAnalyzer;
    expect(analyzer.filter).toEqual(expect.arrayContaining(['lowercase', 'asciifolding']));
    expect(analysis?.tokenizer?.[analyzer.tokenizer]).toMatchObject({ type: 'pattern' });
    expect(pagesIndexRequest('x')).toMatchObject({ index: 'x', settings: { analysis: expect.any(Object) } });
  });
});

describe('page documents', () => {
  const page = makePage({
    url: 'https://Forum.Example.org/t/1',
    fetchedAt: '2024-05-01T10:00:00Z',
    flags: [makeFlag('drugs', 0.9), makeFlag('fraud', 0.2), makeFlag('drugs', 0.5)],
    entities: [
      { type: 'btc', value: 'bc1qx', start: 0, end: 5 },
      { type: 'btc', value: 'bc1qx', start: 9, end: 14 },
      { type: 'url', value: 'https://a.example/?q=1', start: 20, end: 40 },
    ],
  });

  it('adds the fields filters need', () => {
    expect(pageSource(page)).toMatchObject({
      fetchedTime: '2024-05-01T10:00:00.000Z',
      host: 'forum.example.org',
      hostSuffixes: ['forum.example.org', 'example.org', 'org'],
      categories: ['drugs', 'fraud'],
      entityKeys: ['btc:bc1qx', 'url:https://a.example/?q=1'],
    });
  });

  it('gives the page back without the derived fields', () => {
    expect(pageFromSource(pageSource(page))).toEqual(page);
    const captured = {
      ...page,
      rendered: true,
      remoteAddress: '203.0.113.9',
      evidence: { manifestSha256: 'a'.repeat(64), artifacts: [{ role: 'screenshot', sha256: 'b'.repeat(64), bytes: 10, mediaType: 'image/png' }] },
    };
    expect(pageFromSource(pageSource(captured))).toEqual(captured);
  });

  it('writes the page versioned by fetch time, then one scripted upsert per alert', () => {
    const observations = [observe(page, 'drugs'), observe(page, 'fraud', { seenAt: '2024-05-01T10:00:00Z' })];
    const lines = indexPageOperations(NAMES, page, observations);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({
      index: { _index: NAMES.pages, _id: page.id, version: Date.parse('2024-05-01T10:00:00Z'), version_type: 'external_gte' },
    });
    expect(lines[1]).toEqual(pageSource(page));
    expect(lines[2]).toEqual({ update: { _index: NAMES.alerts, _id: observations[0]!.id, retry_on_conflict: ALERT_RETRY_ON_CONFLICT } });
    const upsert = lines[5] as estypes.BulkUpdateAction<EsAlertSource>;
    expect(upsert.upsert).toEqual({ ...newAlert({ ...observations[1]!, seenAt: '2024-05-01T10:00:00.000Z' }), pageIds: [page.id] });
    expect(upsert.script).toMatchObject({ lang: 'painless', source: MERGE_ALERT_SCRIPT, params: { seenAt: '2024-05-01T10:00:00.000Z', maxUrls: MAX_ALERT_URLS } });
  });

  it('refuses an observation whose time does not parse', () => {
    const { page: p, observations } = flaggedPage('hate', { seenAt: 'not a time' });
    expect(() => indexPageOperations(NAMES, p, observations)).toThrow(/seenAt/);
  });
});

/** A painless alert script, transliterated to JavaScript statement by statement. */
function scriptAsJs(script: string): (ctx: { _source: EsAlertSource; op?: string }, params: Record<string, unknown>) => void {
  const js = script.replace(/\b(?:def|boolean|double) (\w+) = /g, 'let $1 = ')
    .replace(/for \((?:String|def) (\w+) : /g, 'for (const $1 of ')
    .replace(/([\w.]+)\.keySet\(\)/g, 'Object.keys($1)')
    .replace(/new ArrayList\(\)/g, '[]')
    .replace(/new HashMap\(\)/g, '{}')
    .replace(/\.contains\(/g, '.includes(')
    .replace(/\.add\(/g, '.push(')
    .replace(/\.size\(\)/g, '.length')
    .replace(/([\w.]+)\.compareTo\(([\w.]+)\) > 0/g, '$1 > $2');
  return new Function('ctx', 'params', js) as ReturnType<typeof scriptAsJs>;
}

function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the alert merge script', () => {
  it('merges exactly as the embedded index does, including noops, the URL cap and calibration', () => {
    const run = scriptAsJs(MERGE_ALERT_SCRIPT);
    let reachedCap = false;
    let noops = 0;
    for (let seed = 1; seed <= 20; seed += 1) {
      const random = prng(seed);
      const base = flaggedPage('fraud', { text: 'texte commun' }).observations[0]!;
      const observations: AlertObservation[] = Array.from({ length: 200 }, () => ({
        ...base,
        score: Math.round(random() * 10) / 10,
        seenAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 50) * 3_600_000).toISOString(),
        pageId: `page-${Math.floor(random() * 150)}`,
        url: `https://u${Math.floor(random() * 130)}.example/`,
        tags: [`tag-${Math.floor(random() * 4)}`],
        ruleIds: [`rule-${Math.floor(random() * 3)}`],
      })).map((o) => ({ ...o, ruleWeights: { [o.ruleIds[0]!]: Math.round(random() * 100) / 100 } }));
      // Factors change during the sequence, as decisions come in.
      const factorsAt = (k: number): Record<string, number> => (k < 100 ? {} : { 'rule-1': 0.25, 'rule-2': 1.6 });
      const [first, ...rest] = observations;
      let expected: Alert = newAlert(first!);
      const linked = new Set([first!.pageId]);
      const doc: EsAlertSource = structuredClone(alertUpsert(first!).upsert!);
      for (const [k, observation] of rest.entries()) {
        const merged = mergeObservation(expected, observation, !linked.has(observation.pageId), factorsAt(k));
        linked.add(observation.pageId);
        expected = merged.alert;
        const ctx: { _source: EsAlertSource; op?: string } = { _source: doc };
        run(ctx, structuredClone(alertUpsert(observation, factorsAt(k)).script as estypes.Script).params ?? {});
        expect(ctx.op === 'noop').toBe(!merged.changed);
        if (ctx.op === 'noop') noops += 1;
        const { pageIds, ...alert } = doc;
        expect(alert).toEqual(expected);
        expect(pageIds).toHaveLength(expected.pageCount);
      }
      expect(expected.urls.length).toBeLessThanOrEqual(MAX_ALERT_URLS);
      if (expected.urls.length === MAX_ALERT_URLS) reachedCap = true;
    }
    expect(reachedCap).toBe(true);
    expect(noops).toBeGreaterThan(0);
  });
});

describe('the recalibration script', () => {
  it('computes the calibrated score as extractors/calibration.ts does, and is a noop when unchanged', () => {
    const run = scriptAsJs(RECALIBRATE_ALERT_SCRIPT);
    const random = prng(7);
    for (let k = 0; k < 200; k += 1) {
      const ruleWeights: Record<string, number> = {};
      for (let r = 0; r < 1 + Math.floor(random() * 4); r += 1) ruleWeights[`rule-${Math.floor(random() * 6)}`] = Math.round(random() * 100) / 100;
      const factors: Record<string, number> = {};
      for (let r = 0; r < 6; r += 1) if (random() < 0.5) factors[`rule-${r}`] = Math.round(random() * 300) / 100;
      const alert = { ...newAlert(observe(makePage(), 'drugs', { score: 0.5 })), ruleWeights, calibratedScore: 0.123 };
      const ctx: { _source: EsAlertSource; op?: string } = { _source: { ...alert, pageIds: [] } };
      run(ctx, { factors });
      expect(ctx._source.calibratedScore).toBe(calibratedScore(ruleWeights, factors, alert.score));
      const again: { _source: EsAlertSource; op?: string } = { _source: ctx._source };
      run(again, { factors });
      expect(again.op).toBe('noop');
    }
  });

  it('updates only the alerts of rules whose factor changed', () => {
    expect(changedRules({ a: 0.5, b: 1.2 }, { b: 1.2, c: 0.9, d: 1 })).toEqual(['a', 'c']);
    const request = recalibrateRequest(NAMES, ['a', 'c'], { b: 1.2, c: 0.9 }, true);
    expect(request).toMatchObject({
      index: NAMES.alerts,
      conflicts: 'proceed',
      query: { terms: { ruleIds: ['a', 'c'] } },
      script: { lang: 'painless', source: RECALIBRATE_ALERT_SCRIPT, params: { factors: { b: 1.2, c: 0.9 } } },
    });
  });
});

describe('decision bodies', () => {
  const decision = { status: 'dismissed' as const, reason: 'false-positive' as const, actor: 'ana', at: '2024-05-02T08:00:00.000Z' };

  it('updates the alert only if unchanged since read, and creates (never overwrites) a history line', () => {
    const alert = { ...newAlert(observe(makePage(), 'drugs')), id: 'al-1', assignee: 'alice' };
    const decided = applyDecision(alert, decision);
    expect(decisionUpdateRequest(NAMES, decided, { seqNo: 4, primaryTerm: 1 }, 'wait_for')).toEqual({
      index: NAMES.alerts, id: 'al-1', if_seq_no: 4, if_primary_term: 1, refresh: 'wait_for',
      // Dismissing clears the holder (null: a partial update cannot remove a field) and is the first decision.
      doc: { status: 'dismissed', decision, assignee: null, firstDecidedAt: decision.at },
    });
    const assigned = applyDecision(alert, { status: 'assigned', assignee: 'bob', actor: 'ana', at: decision.at });
    expect(decisionUpdateRequest(NAMES, assigned, { seqNo: 4, primaryTerm: 1 }, false).doc).toMatchObject({ assignee: 'bob', firstDecidedAt: null });
    const record = decisionRecordRequest(NAMES, 'al-1', 'new', decision, 1234, false);
    expect(record).toEqual({
      index: NAMES.decisions, op_type: 'create', refresh: false,
      document: { ...decision, alertId: 'al-1', previousStatus: 'new', recordedMs: 1234 },
    });
    expect(historyRequest(NAMES, 'al-1')).toMatchObject({ index: NAMES.decisions, query: { bool: { filter: [{ term: { alertId: 'al-1' } }] } } });
  });

  it('counts outcomes per rule from the same tables as the embedded index', () => {
    const request = ruleOutcomesRequest(NAMES);
    expect(request.size).toBe(0);
    expect(JSON.stringify(request.aggs)).toContain('"confirmed","escalated","referred"');
    expect(JSON.stringify(request.aggs)).toContain('"false-positive","legitimate-content","wrong-category"');
    const counts = ruleOutcomesFrom({
      confirmed: { rules: { buckets: [{ key: 'r-b', doc_count: 3 }, { key: 'r-a', doc_count: 1 }] } },
      dismissed: { rules: { buckets: [{ key: 'r-a', doc_count: 2 }] } },
    });
    expect(counts).toEqual([
      { ruleId: 'r-a', confirmed: 1, dismissed: 2 },
      { ruleId: 'r-b', confirmed: 3, dismissed: 0 },
    ]);
    expect(ruleOutcomesFrom(undefined)).toEqual([]);
  });
});

describe('search bodies', () => {
  it('turns every word or phrase into a phrase match over title and text, never query syntax', () => {
    const request = pageSearchRequest(NAMES.pages, resolveSearch({ text: 'cocaïne "livraison rapide" AND title:* (' }));
    expect(request.query?.bool?.must).toEqual([
      { multi_match: { query: 'cocaïne', type: 'phrase', fields: ['title^2', 'text'] } },
      { multi_match: { query: 'livraison rapide', type: 'phrase', fields: ['title^2', 'text'] } },
      { multi_match: { query: 'AND', type: 'phrase', fields: ['title^2', 'text'] } },
      { multi_match: { query: 'title:*', type: 'phrase', fields: ['title^2', 'text'] } },
    ]);
    expect(JSON.stringify(request)).not.toMatch(/query_string/);
    expect(request.sort).toEqual([{ _score: { order: 'desc' } }, { fetchedTime: { order: 'desc' } }, { id: { order: 'asc' } }]);
    expect(request.track_total_hits).toBe(true);
  });

  it('combines every filter and pages', () => {
    const request = pageSearchRequest(
      NAMES.pages,
      resolveSearch({
        entity: { type: 'btc', value: 'bc1qx' },
        category: 'drugs',
        targetId: 't1',
        language: 'fr',
        domain: 'Example.org',
        from: '2024-01-01T00:00:00Z',
        to: '2024-02-01T00:00:00.000Z',
        limit: 5000,
        offset: 40,
      }),
    );
    expect(request).toMatchObject({ index: NAMES.pages, from: 40, size: 1000 });
    expect(request.query?.bool?.must).toEqual([]);
    expect(request.query?.bool?.filter).toEqual([
      { term: { entityKeys: 'btc:bc1qx' } },
      { term: { categories: 'drugs' } },
      { term: { targetId: 't1' } },
      { term: { language: 'fr' } },
      { term: { hostSuffixes: 'example.org' } },
      { range: { fetchedTime: { gte: '2024-01-01T00:00:00.000Z', lte: '2024-02-01T00:00:00.000Z' } } },
    ]);
    expect(request.sort).toEqual([{ fetchedTime: { order: 'desc' } }, { id: { order: 'asc' } }]);
  });

  it('asks for a plain snippet even without a match, and keeps the text out of the hits', () => {
    const request = pageSearchRequest(NAMES.pages, resolveSearch({}));
    expect(request.highlight?.fields).toMatchObject({ text: { number_of_fragments: 1, no_match_size: 200 } });
    expect(request._source).toEqual({ includes: ['id', 'url', 'title', 'fetchedAt', 'targetId', 'language', 'categories'] });
  });

  it('maps a hit to a SearchHit with highlight marks removed', () => {
    const source: EsHitSource = {
      id: 'p1', url: 'https://x.example/', title: 'T', fetchedAt: '2024-01-01T00:00:00Z', targetId: 't', language: null, categories: ['drugs'],
    };
    const hit: estypes.SearchHit<EsHitSource> = { _index: NAMES.pages, _id: 'p1', _source: source, highlight: { text: ['vente de <em>cocaïne</em>\n pure'] } };
    expect(searchHitFrom(hit)).toEqual({ ...source, snippet: 'vente de cocaïne pure' });
    expect(totalOf({ value: 7, relation: 'eq' })).toBe(7);
    expect(totalOf(3)).toBe(3);
  });
});

describe('page scan bodies', () => {
  it('pages by search_after on the id, with target and date filters', () => {
    const first = pageScanRequest('p', { limit: 50 });
    expect(first).toMatchObject({ index: 'p', size: 50, sort: [{ id: { order: 'asc' } }], query: { bool: { filter: [] } } });
    expect(first.search_after).toBeUndefined();
    const next = pageScanRequest('p', { limit: 50, after: 'page-abc', targetId: 't1', since: '2024-05-01' });
    expect(next.search_after).toEqual(['page-abc']);
    expect(next.query).toEqual({
      bool: { filter: [{ term: { targetId: 't1' } }, { range: { fetchedTime: { gte: '2024-05-01T00:00:00.000Z' } } }] },
    });
  });

  it('bounds the batch size and refuses a bad date', () => {
    expect(pageScanRequest('p', { limit: 10_000_000 }).size).toBe(1000);
    expect(() => pageScanRequest('p', { limit: 5, since: 'yesterday' })).toThrow(/since/);
  });
});
