// Request bodies for the alert statistics, one search with three aggregations over the alerts
// first seen in the range: a weekly date histogram (calendar weeks start on Monday, UTC, as ISO
// weeks do) split by category; current status split by dismissal reason; and, over the decided
// alerts, per category, percentiles of the hours from first sight to first decision.
//
// Time to decision needs no second request: decideAlert stores firstDecidedAt on the alert
// (indexer/decisions.ts: firstDecidedAfter), and a runtime field computes the hours from the two
// dates at query time. Percentiles are Elasticsearch's t-digest estimates: exact medians on small
// sets, close (not always equal) to the embedded index's interpolated values on large ones.
import type { estypes } from '@elastic/elasticsearch';
import { CATEGORIES } from '../../extractors/types.ts';
import type { Category } from '../../extractors/types.ts';
import { canonicalTime } from '../page-fields.ts';
import { isoWeekOf, roundHours } from '../stats-math.ts';
import { ALERT_STATUSES, DISMISS_REASONS } from '../types.ts';
import type { AlertStats, AlertStatsQuery, AlertStatus, DismissReason } from '../types.ts';
import type { IndexNames } from './mappings.ts';

/** Hours from firstSeen to firstDecidedAt, never negative (a back-dated decision counts as immediate). */
export const HOURS_TO_DECISION_SCRIPT = `
if (doc['firstDecidedAt'].size() > 0 && doc['firstSeen'].size() > 0) {
  long ms = doc['firstDecidedAt'].value.toInstant().toEpochMilli() - doc['firstSeen'].value.toInstant().toEpochMilli();
  emit(Math.max(0L, ms) / 3600000.0);
}
`.trim();

export function alertStatsRequest(names: IndexNames, query: AlertStatsQuery): estypes.SearchRequest {
  const range: estypes.QueryDslDateRangeQuery = {};
  if (query.from) range.gte = canonicalTime(query.from, 'from');
  if (query.to) range.lte = canonicalTime(query.to, 'to');
  const byCategory = { terms: { field: 'category', size: CATEGORIES.length } };
  return {
    index: names.alerts,
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: range.gte === undefined && range.lte === undefined ? [] : [{ range: { firstSeen: range } }] } },
    runtime_mappings: { hoursToDecision: { type: 'double', script: { source: HOURS_TO_DECISION_SCRIPT } } },
    aggs: {
      weeks: {
        date_histogram: { field: 'firstSeen', calendar_interval: 'week', min_doc_count: 1 },
        aggs: { categories: byCategory },
      },
      statuses: {
        terms: { field: 'status', size: ALERT_STATUSES.length },
        aggs: { reasons: { terms: { field: 'decision.reason', size: DISMISS_REASONS.length } } },
      },
      decided: {
        filter: { exists: { field: 'firstDecidedAt' } },
        aggs: {
          categories: { ...byCategory, aggs: { hours: { percentiles: { field: 'hoursToDecision', percents: [50, 90] } } } },
        },
      },
    },
  };
}

interface Bucket {
  key: string | number;
  doc_count: number;
}
type Buckets<T = object> = { buckets?: (Bucket & T)[] } | undefined;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The AlertStats of an alertStatsRequest response, ordered as the embedded index orders them. */
export function alertStatsFrom(aggregations: Record<string, unknown> | undefined): AlertStats {
  const weeks = (aggregations?.weeks as Buckets<{ categories?: Buckets }>)?.buckets ?? [];
  const perCategoryWeek = weeks
    .flatMap((week) =>
      (week.categories?.buckets ?? []).map((c) => ({ week: isoWeekOf(Number(week.key)), category: String(c.key) as Category, alerts: c.doc_count })),
    )
    .sort((a, b) => byText(a.week, b.week) || byText(a.category, b.category));

  const statuses = (aggregations?.statuses as Buckets<{ reasons?: Buckets }>)?.buckets ?? [];
  const decisions: AlertStats['decisions'] = [];
  for (const bucket of statuses) {
    const status = String(bucket.key) as AlertStatus;
    // Only a dismissal carries a reason; the rest of a status's alerts count without one.
    const reasons = status === 'dismissed' ? (bucket.reasons?.buckets ?? []) : [];
    for (const reason of reasons) decisions.push({ status, reason: String(reason.key) as DismissReason, count: reason.doc_count });
    const withoutReason = bucket.doc_count - reasons.reduce((sum, reason) => sum + reason.doc_count, 0);
    if (withoutReason > 0) decisions.push({ status, count: withoutReason });
  }
  decisions.sort((a, b) => ALERT_STATUSES.indexOf(a.status) - ALERT_STATUSES.indexOf(b.status) || byText(a.reason ?? '', b.reason ?? ''));

  const decided = (aggregations?.decided as { categories?: Buckets<{ hours?: { values?: Record<string, number | null> } }> } | undefined)?.categories?.buckets ?? [];
  const timeToDecision = decided
    .map((bucket) => {
      const values = bucket.hours?.values ?? {};
      return {
        category: String(bucket.key) as Category,
        decided: bucket.doc_count,
        medianHours: roundHours(values['50.0'] ?? Number.NaN),
        p90Hours: roundHours(values['90.0'] ?? Number.NaN),
      };
    })
    .sort((a, b) => byText(a.category, b.category));

  return { perCategoryWeek, decisions, timeToDecision };
}
