// Request bodies for the alert queue: the filtered, ranked list and its count, the same grouped
// by content (field collapsing on contentHash, each group's alerts as inner hits), and the
// alerts of given contents. Filters are term and range queries on keyword and date fields, so no
// user input is ever parsed as query syntax.
import type { estypes } from '@elastic/elasticsearch';
import { CATEGORIES } from '../../extractors/types.ts';
import { alertGroupOf, resolveAlertFilter, resolveContentHashes } from '../alert-queue.ts';
import type { ResolvedAlertFilter } from '../alert-queue.ts';
import { MAX_CONTENT_HASHES } from '../types.ts';
import type { AlertFilter, AlertGroup } from '../types.ts';
import type { IndexNames } from './mappings.ts';
import { alertFromSource } from './write-bodies.ts';
import type { EsAlertSource } from './write-bodies.ts';

/**
 * The queue's order. Alerts stored before calibration lack calibratedScore and sort last until
 * recalibrated.
 */
export const QUEUE_SORT: estypes.SortCombinations[] = [
  { calibratedScore: { order: 'desc', missing: '_last' } },
  { lastSeen: { order: 'desc' } },
  { id: { order: 'asc' } },
];

/**
 * Distinct content hashes counted exactly up to this many (Elasticsearch's cardinality
 * aggregation is exact below its precision threshold, 40,000 at most, and an estimate above).
 */
export const GROUP_COUNT_PRECISION = 40_000;

const NOT_PAGE_IDS: estypes.SearchSourceConfig = { excludes: ['pageIds'] };

/**
 * Decided alerts whose lastSeen is later than their decision's time: two fields of one document
 * compared, which only a script query can do (run on the alerts the other clauses kept).
 */
export const SEEN_SINCE_DECISION_SCRIPT =
  "doc['decision.at'].size() > 0 && doc['lastSeen'].size() > 0 && doc['lastSeen'].value.toInstant().toEpochMilli() > doc['decision.at'].value.toInstant().toEpochMilli()";
const SEEN_SINCE_DECISION: estypes.QueryDslQueryContainer = { script: { script: { source: SEEN_SINCE_DECISION_SCRIPT, lang: 'painless' } } };

/** The filter as a bool query of term, terms and range clauses (scoring off). */
export function alertFilterQuery(filter: ResolvedAlertFilter): estypes.QueryDslQueryContainer {
  const clauses: estypes.QueryDslQueryContainer[] = [];
  if (filter.statuses !== undefined) clauses.push({ terms: { status: [...filter.statuses] } });
  for (const [field, value] of [
    ['category', filter.category],
    ['targetId', filter.targetId],
    ['assignee', filter.assignee],
    ['contentHash', filter.contentHash],
  ] as const) {
    if (value !== undefined) clauses.push({ term: { [field]: value } });
  }
  if (filter.from !== undefined || filter.to !== undefined) {
    const range: estypes.QueryDslDateRangeQuery = {};
    if (filter.from !== undefined) range.gte = filter.from;
    if (filter.to !== undefined) range.lte = filter.to;
    clauses.push({ range: { lastSeen: range } });
  }
  if (filter.seenSinceDecision) clauses.push(SEEN_SINCE_DECISION);
  return { bool: { filter: clauses } };
}

/** The alert queue: one page of matching alerts in the queue's order. */
export function alertListRequest(index: string, filter: AlertFilter): estypes.SearchRequest {
  const resolved = resolveAlertFilter(filter);
  return {
    index,
    from: resolved.offset,
    size: resolved.limit,
    track_total_hits: false,
    query: alertFilterQuery(resolved),
    sort: QUEUE_SORT,
    _source: NOT_PAGE_IDS,
  };
}

export function alertCountRequest(names: IndexNames, filter: AlertFilter): estypes.CountRequest {
  return { index: names.alerts, query: alertFilterQuery(resolveAlertFilter(filter)) };
}

/**
 * One page of content groups: hits collapsed on contentHash keep each group's best alert in the
 * queue's order (so groups rank by it), and the inner hits bring every matching alert of the
 * group (one per category at most, hence the size).
 */
export function alertGroupsRequest(names: IndexNames, filter: AlertFilter): estypes.SearchRequest {
  const resolved = resolveAlertFilter(filter);
  return {
    index: names.alerts,
    from: resolved.offset,
    size: resolved.limit,
    track_total_hits: false,
    query: alertFilterQuery(resolved),
    sort: QUEUE_SORT,
    _source: false,
    collapse: {
      field: 'contentHash',
      inner_hits: { name: 'group', size: CATEGORIES.length, sort: QUEUE_SORT, _source: NOT_PAGE_IDS },
    },
  };
}

/** The groups of an alertGroupsRequest response, in its order. */
export function alertGroupsFrom(hits: readonly estypes.SearchHit[]): AlertGroup[] {
  return hits.flatMap((hit) => {
    const members = (hit.inner_hits?.group?.hits.hits ?? []).flatMap((inner) =>
      inner._source === undefined || inner._source === null ? [] : [alertFromSource(inner._source as Partial<EsAlertSource>)],
    );
    return members.length === 0 ? [] : [alertGroupOf(members)];
  });
}

export function alertGroupCountRequest(names: IndexNames, filter: AlertFilter): estypes.SearchRequest {
  return {
    index: names.alerts,
    size: 0,
    track_total_hits: false,
    query: alertFilterQuery(resolveAlertFilter(filter)),
    aggs: { groups: { cardinality: { field: 'contentHash', precision_threshold: GROUP_COUNT_PRECISION } } },
  };
}

export function alertGroupCountFrom(aggregations: Record<string, unknown> | undefined): number {
  return (aggregations?.groups as { value?: number } | undefined)?.value ?? 0;
}

/** The alerts of these contents in the queue's order, or null when there is nothing to ask. */
export function alertsForContentRequest(names: IndexNames, contentHashes: readonly string[]): estypes.SearchRequest | null {
  const hashes = resolveContentHashes(contentHashes);
  if (hashes.length === 0) return null;
  return {
    index: names.alerts,
    size: MAX_CONTENT_HASHES,
    track_total_hits: false,
    query: { bool: { filter: [{ terms: { contentHash: hashes } }] } },
    sort: QUEUE_SORT,
    _source: NOT_PAGE_IDS,
  };
}
