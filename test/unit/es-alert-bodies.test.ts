// The Elasticsearch bodies of the alert queue and statistics, checked without a server: filters
// as term/range clauses, the grouping by field collapsing, the statistics aggregations and their
// reading, and the runtime field's painless script through a JavaScript transliteration.
import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../extractors/types.ts';
import { alertGroupOf } from '../../indexer/alert-queue.ts';
import { newAlert } from '../../indexer/alert-merge.ts';
import {
  alertCountRequest,
  alertGroupCountFrom,
  alertGroupCountRequest,
  alertGroupsFrom,
  alertGroupsRequest,
  alertListRequest,
  alertsForContentRequest,
  GROUP_COUNT_PRECISION,
  QUEUE_SORT,
  SEEN_SINCE_DECISION_SCRIPT,
} from '../../indexer/elasticsearch/alert-bodies.ts';
import { indexNames } from '../../indexer/elasticsearch/mappings.ts';
import { alertStatsFrom, alertStatsRequest, HOURS_TO_DECISION_SCRIPT } from '../../indexer/elasticsearch/stats-bodies.ts';
import { MAX_CONTENT_HASHES } from '../../indexer/types.ts';
import type { Alert } from '../../indexer/types.ts';
import { makePage, observe } from '../contract/index-fixtures.ts';

const NAMES = indexNames('vigie-test');

describe('alert queue bodies', () => {
  it('lists alerts by score, lastSeen and id with every filter as a term or range clause, without pageIds', () => {
    const request = alertListRequest(NAMES.alerts, {
      statuses: ['new', 'assigned', 'new'],
      category: 'hate',
      targetId: 't',
      assignee: ' alice ',
      contentHash: 'c'.repeat(64),
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-08',
      limit: 10,
      offset: 20,
    });
    expect(request).toEqual({
      index: NAMES.alerts,
      from: 20,
      size: 10,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            { terms: { status: ['new', 'assigned'] } },
            { term: { category: 'hate' } },
            { term: { targetId: 't' } },
            { term: { assignee: 'alice' } },
            { term: { contentHash: 'c'.repeat(64) } },
            { range: { lastSeen: { gte: '2024-05-01T00:00:00.000Z', lte: '2024-05-08T00:00:00.000Z' } } },
          ],
        },
      },
      sort: [{ calibratedScore: { order: 'desc', missing: '_last' } }, { lastSeen: { order: 'desc' } }, { id: { order: 'asc' } }],
      _source: { excludes: ['pageIds'] },
    });
    expect(alertListRequest(NAMES.alerts, {})).toMatchObject({ from: 0, size: 20, query: { bool: { filter: [] } } });
  });

  it('combines status and statuses (both must hold) and refuses bad filters before any request', () => {
    expect(alertListRequest(NAMES.alerts, { status: 'new', statuses: ['new', 'escalated'] }).query).toEqual({ bool: { filter: [{ terms: { status: ['new'] } }] } });
    expect(alertCountRequest(NAMES, { status: 'dismissed', statuses: ['new'] })).toEqual({
      index: NAMES.alerts,
      query: { bool: { filter: [{ terms: { status: [] } }] } },
    });
    expect(() => alertListRequest(NAMES.alerts, { statuses: [] })).toThrow(expect.objectContaining({ code: 'invalid-alert-filter' }));
    expect(() => alertCountRequest(NAMES, { statuses: ['open' as 'new'] })).toThrow(/unknown status "open"/);
    expect(() => alertGroupsRequest(NAMES, { to: 'tomorrow' })).toThrow(/to/);
  });

  it('groups by collapsing on contentHash, each group carrying its matching alerts in queue order', () => {
    const request = alertGroupsRequest(NAMES, { statuses: ['new'], limit: 5, offset: 5 });
    expect(request).toMatchObject({
      index: NAMES.alerts,
      from: 5,
      size: 5,
      sort: QUEUE_SORT,
      _source: false,
      collapse: { field: 'contentHash', inner_hits: { name: 'group', size: CATEGORIES.length, sort: QUEUE_SORT, _source: { excludes: ['pageIds'] } } },
    });
    expect(request.query).toEqual({ bool: { filter: [{ terms: { status: ['new'] } }] } });

    const page = makePage({ text: 'un texte', url: 'https://a.example/1' });
    const fraud: Alert = { ...newAlert(observe(page, 'fraud', { score: 0.9 })), urls: ['https://a.example/1', 'https://b.example/2'], pageCount: 2 };
    const drugs: Alert = { ...newAlert(observe(page, 'drugs', { score: 0.4 })), urls: ['https://a.example/1'], assignee: 'alice' };
    const other = newAlert(observe(makePage({ text: 'autre' }), 'hate', { score: 0.5 }));
    const innerHit = (alert: Alert): estypes.SearchHit => ({ _index: NAMES.alerts, _id: alert.id, _source: { ...alert, pageIds: ['x'] } });
    const hits: estypes.SearchHit[] = [
      { _index: NAMES.alerts, _id: fraud.id, inner_hits: { group: { hits: { hits: [innerHit(fraud), innerHit(drugs)] } } } },
      { _index: NAMES.alerts, _id: other.id, inner_hits: { group: { hits: { hits: [innerHit(other)] } } } },
      { _index: NAMES.alerts, _id: 'lost', inner_hits: { group: { hits: { hits: [] } } } },
    ];
    const groups = alertGroupsFrom(hits);
    expect(groups).toEqual([alertGroupOf([fraud, drugs]), alertGroupOf([other])]);
    expect(groups[0]).toMatchObject({ contentHash: page.contentHash, categories: ['fraud', 'drugs'], alertIds: [fraud.id, drugs.id], urlCount: 2, pageCount: 2 });
    expect(groups[0]!.top).toEqual(fraud);
  });

  it('counts groups with a cardinality aggregation, exact below its precision threshold', () => {
    expect(alertGroupCountRequest(NAMES, { category: 'drugs' })).toEqual({
      index: NAMES.alerts,
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: [{ term: { category: 'drugs' } }] } },
      aggs: { groups: { cardinality: { field: 'contentHash', precision_threshold: GROUP_COUNT_PRECISION } } },
    });
    expect(GROUP_COUNT_PRECISION).toBeLessThanOrEqual(40_000);
    expect(alertGroupCountFrom({ groups: { value: 17 } })).toBe(17);
    expect(alertGroupCountFrom(undefined)).toBe(0);
  });

  it('asks for the alerts of distinct contents, bounded, and for nothing when there is none', () => {
    expect(alertsForContentRequest(NAMES, ['a', '', 'b', 'a'])).toEqual({
      index: NAMES.alerts,
      size: MAX_CONTENT_HASHES,
      track_total_hits: false,
      query: { bool: { filter: [{ terms: { contentHash: ['a', 'b'] } }] } },
      sort: QUEUE_SORT,
      _source: { excludes: ['pageIds'] },
    });
    expect(alertsForContentRequest(NAMES, [])).toBeNull();
    const tooMany = Array.from({ length: MAX_CONTENT_HASHES + 1 }, (_, i) => `h${i}`);
    expect(() => alertsForContentRequest(NAMES, tooMany)).toThrow(expect.objectContaining({ code: 'invalid-alert-filter' }));
  });
});

/** The runtime field's painless script, transliterated to JavaScript; doc values are arrays of epoch ms. */
function hoursScriptAsJs(script: string): (doc: Record<string, number[]>) => number[] {
  const js = script
    .replace(/\.size\(\)/g, '.length')
    .replace(/\.value\.toInstant\(\)\.toEpochMilli\(\)/g, '[0]')
    .replace(/\blong (\w+) = /g, 'let $1 = ')
    .replace(/(\d)L\b/g, '$1');
  const run = new Function('doc', 'emit', js) as (doc: Record<string, number[]>, emit: (value: number) => void) => void;
  return (doc) => {
    const emitted: number[] = [];
    run(doc, (value) => emitted.push(value));
    return emitted;
  };
}

describe('alert statistics bodies', () => {
  it('aggregates weeks per category, statuses per reason and decided alerts per category over a firstSeen range', () => {
    const request = alertStatsRequest(NAMES, { from: '2024-05-01', to: '2024-05-31T23:59:59Z' });
    expect(request).toMatchObject({
      index: NAMES.alerts,
      size: 0,
      query: { bool: { filter: [{ range: { firstSeen: { gte: '2024-05-01T00:00:00.000Z', lte: '2024-05-31T23:59:59.000Z' } } }] } },
      runtime_mappings: { hoursToDecision: { type: 'double', script: { source: HOURS_TO_DECISION_SCRIPT } } },
      aggs: {
        weeks: { date_histogram: { field: 'firstSeen', calendar_interval: 'week', min_doc_count: 1 }, aggs: { categories: { terms: { field: 'category' } } } },
        statuses: { terms: { field: 'status' }, aggs: { reasons: { terms: { field: 'decision.reason' } } } },
        decided: {
          filter: { exists: { field: 'firstDecidedAt' } },
          aggs: { categories: { terms: { field: 'category' }, aggs: { hours: { percentiles: { field: 'hoursToDecision', percents: [50, 90] } } } } },
        },
      },
    });
    expect(alertStatsRequest(NAMES, {}).query).toEqual({ bool: { filter: [] } });
    expect(() => alertStatsRequest(NAMES, { from: 'jadis' })).toThrow(/from/);
  });

  it('reads the aggregations into the same shape and order as the embedded index', () => {
    const monday18 = Date.parse('2024-04-29T00:00:00Z');
    const monday19 = Date.parse('2024-05-06T00:00:00Z');
    const stats = alertStatsFrom({
      weeks: {
        buckets: [
          { key: monday19, doc_count: 1, categories: { buckets: [{ key: 'drugs', doc_count: 1 }] } },
          { key: monday18, doc_count: 3, categories: { buckets: [{ key: 'fraud', doc_count: 1 }, { key: 'drugs', doc_count: 2 }] } },
        ],
      },
      statuses: {
        buckets: [
          { key: 'referred', doc_count: 1, reasons: { buckets: [] } },
          { key: 'dismissed', doc_count: 3, reasons: { buckets: [{ key: 'false-positive', doc_count: 2 }, { key: 'duplicate', doc_count: 1 }] } },
          { key: 'new', doc_count: 4, reasons: { buckets: [] } },
          // A confirmed alert keeps no reason even if an old decision document had one.
          { key: 'confirmed', doc_count: 2, reasons: { buckets: [{ key: 'duplicate', doc_count: 1 }] } },
        ],
      },
      decided: {
        doc_count: 4,
        categories: {
          buckets: [
            { key: 'fraud', doc_count: 1, hours: { values: { '50.0': 1, '90.0': 1 } } },
            { key: 'drugs', doc_count: 3, hours: { values: { '50.0': 4.004, '90.0': 24.8333 } } },
          ],
        },
      },
    });
    expect(stats).toEqual({
      perCategoryWeek: [
        { week: '2024-W18', category: 'drugs', alerts: 2 },
        { week: '2024-W18', category: 'fraud', alerts: 1 },
        { week: '2024-W19', category: 'drugs', alerts: 1 },
      ],
      decisions: [
        { status: 'new', count: 4 },
        { status: 'confirmed', count: 2 },
        { status: 'dismissed', reason: 'duplicate', count: 1 },
        { status: 'dismissed', reason: 'false-positive', count: 2 },
        { status: 'referred', count: 1 },
      ],
      timeToDecision: [
        { category: 'drugs', decided: 3, medianHours: 4, p90Hours: 24.83 },
        { category: 'fraud', decided: 1, medianHours: 1, p90Hours: 1 },
      ],
    });
    expect(alertStatsFrom(undefined)).toEqual({ perCategoryWeek: [], decisions: [], timeToDecision: [] });
  });

  it('computes hours to decision in painless as the embedded index does: never negative, nothing when undecided', () => {
    const hours = hoursScriptAsJs(HOURS_TO_DECISION_SCRIPT);
    const seen = Date.parse('2024-05-01T10:00:00Z');
    expect(hours({ firstSeen: [seen], firstDecidedAt: [seen + 90 * 60_000] })).toEqual([1.5]);
    expect(hours({ firstSeen: [seen], firstDecidedAt: [seen - 60_000] })).toEqual([0]);
    expect(hours({ firstSeen: [seen], firstDecidedAt: [] })).toEqual([]);
  });

  it('keeps decided alerts seen after their decision with a script comparing lastSeen to decision.at', () => {
    const request = alertCountRequest(NAMES, { seenSinceDecision: true, statuses: ['confirmed'] });
    expect(JSON.stringify(request.query)).toContain(JSON.stringify({ script: { script: { source: SEEN_SINCE_DECISION_SCRIPT, lang: 'painless' } } }));
    // The painless source read as JavaScript over doc values shaped like Elasticsearch's (a date
    // field's values are ZonedDateTimes; a missing field has none).
    const run = new Function('doc', `return ${SEEN_SINCE_DECISION_SCRIPT};`) as (doc: unknown) => boolean;
    const field = (...iso: string[]) => ({ size: () => iso.length, value: iso.length ? { toInstant: () => ({ toEpochMilli: () => Date.parse(iso[0]!) }) } : undefined });
    const doc = (lastSeen: string, decidedAt?: string) => ({ lastSeen: field(lastSeen), 'decision.at': decidedAt ? field(decidedAt) : field() });
    expect(run(doc('2026-05-02T10:00:00Z', '2026-05-01T10:00:00Z'))).toBe(true);
    expect(run(doc('2026-05-01T10:00:00Z', '2026-05-01T10:00:00Z'))).toBe(false);
    expect(run(doc('2026-05-01T09:00:00Z', '2026-05-01T10:00:00Z'))).toBe(false);
    expect(run(doc('2026-05-02T10:00:00Z'))).toBe(false);
  });
});
