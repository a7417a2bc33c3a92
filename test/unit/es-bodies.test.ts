// The Elasticsearch request bodies, checked without a server. The painless merge script is also
// run through a line-by-line JavaScript transliteration and compared with the embedded index's
// merge on random observation sequences: that checks its logic (not its painless syntax, which
// only the Elasticsearch integration run can check).
import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { mergeObservation, newAlert } from '../../indexer/alert-merge.ts';
import { alertsMappings, indexNames, pagesIndexRequest, pagesMappings, textAnalysisSettings, TEXT_ANALYZER } from '../../indexer/elasticsearch/mappings.ts';
import {
  entityGraphRequest,
  entitySiteCountsFrom,
  graphSitePagesRequest,
  MAX_PREFIX_EXPANSIONS,
  pageScanRequest,
  pageSearchRequest,
  queryNodeBody,
  searchAggregatesFrom,
  searchHitFrom,
  sitePagesFrom,
  totalOf,
} from '../../indexer/elasticsearch/search-bodies.ts';
import { assembleGraph, MAX_SITES_PER_ENTITY, rankSharedEntities, resolveGraphOptions } from '../../indexer/entity-graph.ts';
import { matchesQuery } from '../../indexer/search-match.ts';
import { parseSearchQuery, searchTokens } from '../../indexer/search-syntax.ts';
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
import type { EsAlertSource, EsPageSource } from '../../indexer/elasticsearch/write-bodies.ts';
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
  it('turns plain words and phrases into phrase matches over title and text, never query syntax', () => {
    const request = pageSearchRequest(NAMES.pages, resolveSearch({ text: 'cocaïne "livraison rapide" and col:x' }));
    expect(request.query?.bool?.must).toEqual([
      {
        bool: {
          must: [
            { multi_match: { query: 'cocaïne', type: 'phrase', fields: ['title^2', 'text'] } },
            { multi_match: { query: 'livraison rapide', type: 'phrase', fields: ['title^2', 'text'] } },
            { multi_match: { query: 'and', type: 'phrase', fields: ['title^2', 'text'] } },
            { multi_match: { query: 'col:x', type: 'phrase', fields: ['title^2', 'text'] } },
          ],
        },
      },
    ]);
    expect(JSON.stringify(request)).not.toMatch(/query_string/);
    expect(request.sort).toEqual([{ _score: { order: 'desc' } }, { fetchedTime: { order: 'desc' } }, { id: { order: 'asc' } }]);
    expect(request.track_total_hits).toBe(true);
    expect(request.aggs).toBeUndefined();
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

describe('query language bodies', () => {
  const body = (text: string) => queryNodeBody(parseSearchQuery(text)!);

  it('translates each construct into match, prefix, wildcard and term clauses in bool queries', () => {
    expect(body('a OR -b')).toEqual({
      bool: {
        should: [
          { multi_match: { query: 'a', type: 'phrase', fields: ['title^2', 'text'] } },
          { bool: { must_not: [{ multi_match: { query: 'b', type: 'phrase', fields: ['title^2', 'text'] } }] } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(body('Cocaï* title:"vente de"* text:x')).toEqual({
      bool: {
        must: [
          { bool: { should: [{ prefix: { title: { value: 'cocai', boost: 2 } } }, { prefix: { text: { value: 'cocai' } } }], minimum_should_match: 1 } },
          { multi_match: { query: 'vente de', type: 'phrase_prefix', fields: ['title'], max_expansions: MAX_PREFIX_EXPANSIONS } },
          { multi_match: { query: 'x', type: 'phrase', fields: ['text'] } },
        ],
      },
    });
    expect(body('url:a*b?c\\d category:drugs -lang:en')).toEqual({
      bool: {
        must: [{ wildcard: { url: { value: '*a\\*b\\?c\\\\d*', case_insensitive: true } } }, { term: { categories: 'drugs' } }],
        must_not: [{ term: { language: 'en' } }],
      },
    });
    expect(body('target:t1 domain:Example.org entity:email:A@b.fr')).toEqual({
      bool: { must: [{ term: { targetId: 't1' } }, { term: { hostSuffixes: 'example.org' } }, { term: { entityKeys: 'email:a@b.fr' } }] },
    });
  });

  /** Elasticsearch's evaluation of the clauses Vigie emits, over a page source, with the vigie_text analysis. */
  function esMatches(query: estypes.QueryDslQueryContainer, doc: EsPageSource): boolean {
    if (query === undefined) throw new Error('missing clause');
    const tokensOf = (field: string) => searchTokens(String(doc[field as 'title' | 'text']));
    const phrase = (tokens: string[], wanted: string[], prefix: boolean) =>
      tokens.some((_, start) =>
        wanted.every((word, i) => {
          const token = tokens[start + i];
          return token !== undefined && (prefix && i === wanted.length - 1 ? token.startsWith(word) : token === word);
        }),
      );
    if (query.bool) {
      const all = (clauses: estypes.QueryDslQueryContainer | estypes.QueryDslQueryContainer[] | undefined) =>
        clauses === undefined ? [] : Array.isArray(clauses) ? clauses : [clauses];
      const { must, filter, must_not: mustNot, should } = query.bool;
      return (
        all(must).every((clause) => esMatches(clause, doc)) &&
        all(filter).every((clause) => esMatches(clause, doc)) &&
        !all(mustNot).some((clause) => esMatches(clause, doc)) &&
        (should === undefined || all(should).some((clause) => esMatches(clause, doc)))
      );
    }
    if (query.multi_match) {
      const { query: text, fields, type } = query.multi_match;
      const wanted = searchTokens(text);
      return [fields ?? []].flat().some((field) => phrase(tokensOf(field.split('^')[0]!), wanted, type === 'phrase_prefix'));
    }
    if (query.prefix) {
      const [field, spec] = Object.entries(query.prefix)[0]!;
      const value = typeof spec === 'string' ? spec : String(spec?.value);
      return tokensOf(field).some((token) => token.startsWith(value));
    }
    if (query.wildcard) {
      const spec = query.wildcard.url as estypes.QueryDslWildcardQuery;
      const needle = String(spec.value).slice(1, -1).replace(/\\(.)/gu, '$1');
      return doc.url.toLowerCase().includes(needle.toLowerCase());
    }
    if (query.term) {
      const [field, value] = Object.entries(query.term)[0]!;
      const stored = doc[field as keyof EsPageSource];
      return [stored].flat().includes(value as never);
    }
    throw new Error(`unexpected clause ${JSON.stringify(query)}`);
  }

  it('selects the same pages as the in-memory matcher (and so as the embedded index)', () => {
    const pages = [
      makePage({ url: 'https://forum.example.org/t/1', title: 'Vente de cocaïne', text: 'Livraison rapide, paiement en bitcoin.', flags: [makeFlag('drugs', 0.9)] }),
      makePage({ url: 'https://example.org/Login.php', title: 'Cocaine prices', text: 'Wholesale cocaine by e-mail.', language: 'en',
        entities: [{ type: 'email', value: 'a@b.fr', start: 0, end: 6 }] }),
      makePage({ url: 'https://shop.example.co.uk/armes', title: 'Armes', text: 'L’œuvre d’été, paiement bitcoin.', targetId: 't1', language: null,
        flags: [makeFlag('weapons', 0.9)] }),
      makePage({ url: 'https://notexample.org/x', title: 'Recette', text: 'Héroïne et cocaïne : vente rapide.' }),
    ];
    const queries = [
      'cocaine', 'COCAÏNE bitcoin', '"paiement en bitcoin"', '"vente rapide"', 'vente OR armes', '-cocaine', 'bitcoin -armes',
      'coca*', '"paiement bit"*', 'title:cocaine', 'text:cocaine -title:cocaine', 'oeuvre ete', 'heroine OR (wholesale e-mail)',
      'url:login.PHP', 'url:/ARMES OR url:recette', 'category:drugs OR category:weapons', '-lang:fr', 'lang:en', 'target:t1',
      'domain:example.org', '-domain:example.org', 'entity:email:a@b.fr', 'NOT (cocaine OR bitcoin)', '(vente OR prices) -(forum OR recette)',
      'e-mail*', 'l* -lang:en', 'pai* OR her*',
    ];
    const docs = pages.map(pageSource);
    for (const text of queries) {
      const ast = parseSearchQuery(text);
      const expected = pages.map((page) => matchesQuery(ast, page));
      const request = pageSearchRequest(NAMES.pages, resolveSearch({ text }));
      const actual = docs.map((doc) => esMatches(request.query!, doc));
      expect(actual, text).toEqual(expected);
    }
  });

  it('asks for facets and a UTC calendar histogram over the whole matching set, and maps them back', () => {
    const search = resolveSearch({ text: 'cocaine', facets: true, histogram: 'week' });
    const request = pageSearchRequest(NAMES.pages, search);
    const order = [{ _count: 'desc' }, { _key: 'asc' }];
    expect(request.aggs).toEqual({
      category: { terms: { field: 'categories', size: 20, order } },
      target: { terms: { field: 'targetId', size: 20, order } },
      language: { terms: { field: 'language', size: 20, order } },
      domain: { terms: { field: 'site', size: 20, order } },
      histogram: { date_histogram: { field: 'fetchedTime', calendar_interval: 'week', min_doc_count: 1, time_zone: 'UTC' } },
    });
    const terms = (...buckets: [string, number][]) => ({ buckets: buckets.map(([key, doc_count]) => ({ key, doc_count })) }) as estypes.AggregationsAggregate;
    const aggregations: Record<string, estypes.AggregationsAggregate> = {
      category: terms(['drugs', 3]),
      target: terms(['t1', 2], ['t2', 1]),
      language: terms(),
      domain: terms(['example.org', 3]),
      histogram: { buckets: [{ key: Date.parse('2024-01-01T00:00:00Z'), doc_count: 2 }, { key: Date.parse('2024-01-08T00:00:00Z'), doc_count: 0 }] } as estypes.AggregationsAggregate,
    };
    expect(searchAggregatesFrom(aggregations, search)).toEqual({
      facets: {
        category: [{ value: 'drugs', count: 3 }],
        target: [{ value: 't1', count: 2 }, { value: 't2', count: 1 }],
        language: [],
        domain: [{ value: 'example.org', count: 3 }],
      },
      histogram: [{ start: '2024-01-01T00:00:00.000Z', count: 2 }],
    });
    expect(searchAggregatesFrom(undefined, resolveSearch({}))).toEqual({});
    expect(pageSource(makePage({ url: 'https://a.forum.example.co.uk/x' })).site).toBe('example.co.uk');
  });

  it('builds the entity graph from entity terms ordered by site cardinality, cut below minSites', () => {
    const options = resolveGraphOptions({ type: 'email', minSites: 3, limit: 50, from: '2024-01-01' });
    const request = entityGraphRequest(NAMES.pages, options);
    expect(request).toMatchObject({
      size: 0,
      query: { bool: { filter: [{ range: { fetchedTime: { gte: '2024-01-01T00:00:00.000Z' } } }] } },
      aggs: {
        entities: {
          terms: { field: 'entityKeys', size: 50, include: 'email:.*', order: [{ sites: 'desc' }, { _count: 'desc' }, { _key: 'asc' }] },
          aggs: {
            sites: { cardinality: { field: 'site' } },
            shared: { bucket_selector: { buckets_path: { sites: 'sites' }, script: { params: { min: 3 } } } },
            bySite: { terms: { field: 'site' } },
          },
        },
      },
    });
    const response = {
      entities: {
        buckets: [
          { key: 'email:a@b.fr', doc_count: 3, sites: { value: 2 }, bySite: { buckets: [{ key: 'x.org', doc_count: 2 }, { key: 'y.org', doc_count: 1 }] } },
        ],
      },
    } as unknown as Record<string, estypes.AggregationsAggregate>;
    expect(entitySiteCountsFrom(response)).toEqual({
      counts: [
        { key: 'email:a@b.fr', site: 'x.org', pages: 2 },
        { key: 'email:a@b.fr', site: 'y.org', pages: 1 },
      ],
      totals: new Map([['email:a@b.fr', { sites: 2, pages: 3 }]]),
    });
    expect(graphSitePagesRequest(NAMES.pages, ['email:a@b.fr'], ['x.org', 'y.org'], options)).toMatchObject({
      query: { bool: { filter: [{ terms: { entityKeys: ['email:a@b.fr'] } }, { range: { fetchedTime: { gte: '2024-01-01T00:00:00.000Z' } } }] } },
      aggs: { sites: { terms: { field: 'site', size: 2, include: ['x.org', 'y.org'] } } },
    });
    expect(sitePagesFrom({ sites: { buckets: [{ key: 'x.org', doc_count: 2 }] } } as unknown as Record<string, estypes.AggregationsAggregate>)).toEqual(
      new Map([['x.org', 2]]),
    );
    expect(() => resolveGraphOptions({ type: 'nope' as never })).toThrow(/entity type/);
  });

  it('ranks by the totals when only the top sites are listed, and draws at most MAX_SITES_PER_ENTITY edges per entity', () => {
    const wide = Array.from({ length: MAX_SITES_PER_ENTITY + 10 }, (_, i) => ({ key: 'btc:wide', site: `s${String(i).padStart(3, '0')}.org`, pages: i < 5 ? 3 : 1 }));
    const narrow = [{ key: 'email:x@y.fr', site: 'a.org', pages: 9 }, { key: 'email:x@y.fr', site: 'b.org', pages: 9 }];
    const ranked = rankSharedEntities([...narrow, ...wide.slice(0, 3)], 2, 10, new Map([['btc:wide', { sites: 400, pages: 420 }]]));
    expect(ranked.map((entity) => [entity.key, entity.siteCount, entity.pages])).toEqual([['btc:wide', 400, 420], ['email:x@y.fr', 2, 18]]);
    const graph = assembleGraph(rankSharedEntities(wide, 2, 10), new Map());
    const edges = graph.edges.filter((edge) => edge.source === 'entity:btc:wide');
    expect(edges).toHaveLength(MAX_SITES_PER_ENTITY);
    // The sites with most pages are kept (ties by name), listed by name.
    expect(edges.slice(0, 5).map((edge) => edge.pages)).toEqual([3, 3, 3, 3, 3]);
    expect(edges.map((edge) => edge.target)).toEqual([...edges.map((edge) => edge.target)].sort());
    expect(graph.nodes[0]).toMatchObject({ id: 'entity:btc:wide', pages: MAX_SITES_PER_ENTITY + 10 + 10 });
  });
});
