// The embedded index's alert statistics, over the alerts first seen in a range: weekly counts per
// category, current decisions, and time from first sight to first decision. SQL does the
// counting (grouped by day, which the (first_seen, category) index serves); ISO weeks and
// percentiles are computed here with the helpers the Elasticsearch side uses too.
import { canonicalTime } from '../page-fields.ts';
import { isoWeekOf, percentile, roundHours } from '../stats-math.ts';
import { ALERT_STATUSES } from '../types.ts';
import type { AlertStats, AlertStatsQuery, AlertStatus, DismissReason } from '../types.ts';
import type { Category } from '../../extractors/types.ts';
import type { StatementOf } from './alert-queries.ts';

const HOUR_MS = 3_600_000;

/**
 * alerts_first_seen (first_seen, category, status, first_decided_at) answers every statistic but
 * the dismissal reasons without reading a row, range or not; named because SQLite would otherwise
 * count statuses through the status index, reading each row for its first_seen (0.4 s at 100,000).
 */
const BY_FIRST_SEEN = 'INDEXED BY alerts_first_seen';

function firstSeenRange(query: AlertStatsQuery): { where: string[]; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (query.from) {
    where.push('first_seen >= @from');
    params.from = canonicalTime(query.from, 'from');
  }
  if (query.to) {
    where.push('first_seen <= @to');
    params.to = canonicalTime(query.to, 'to');
  }
  return { where, params };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function alertStats(statement: StatementOf, query: AlertStatsQuery): AlertStats {
  const range = firstSeenRange(query);
  const and = (extra: string[]): string => {
    const all = [...range.where, ...extra];
    return all.length === 0 ? '' : `WHERE ${all.join(' AND ')}`;
  };

  const days = statement(
    `SELECT substr(first_seen, 1, 10) AS day, category, count(*) AS n FROM alerts ${BY_FIRST_SEEN} ${and([])} GROUP BY day, category`,
  ).all(range.params) as { day: string; category: Category; n: number }[];
  const weeks = new Map<string, { week: string; category: Category; alerts: number }>();
  for (const { day, category, n } of days) {
    const week = isoWeekOf(Date.parse(`${day}T00:00:00Z`));
    const row = weeks.get(`${week} ${category}`) ?? { week, category, alerts: 0 };
    row.alerts += n;
    weeks.set(`${week} ${category}`, row);
  }
  const perCategoryWeek = [...weeks.values()].sort((a, b) => byText(a.week, b.week) || byText(a.category, b.category));

  // Statuses are counted from the index; only dismissed alerts are read for their reason.
  const statusRows = statement(`SELECT status, count(*) AS n FROM alerts ${BY_FIRST_SEEN} ${and([])} GROUP BY status`).all(range.params) as {
    status: AlertStatus;
    n: number;
  }[];
  const reasonRows = statement(
    `SELECT json_extract(decision_json, '$.reason') AS reason, count(*) AS n FROM alerts ${and(["status = 'dismissed'"])} GROUP BY 1`,
  ).all(range.params) as { reason: DismissReason | null; n: number }[];
  const decisions: AlertStats['decisions'] = statusRows.filter((row) => row.status !== 'dismissed').map(({ status, n }) => ({ status, count: n }));
  for (const { reason, n } of reasonRows) decisions.push(reason === null ? { status: 'dismissed', count: n } : { status: 'dismissed', reason, count: n });
  decisions.sort((a, b) => ALERT_STATUSES.indexOf(a.status) - ALERT_STATUSES.indexOf(b.status) || byText(a.reason ?? '', b.reason ?? ''));

  const decided = statement(
    `SELECT category, first_seen, first_decided_at FROM alerts ${BY_FIRST_SEEN} ${and(['first_decided_at IS NOT NULL'])}`,
  ).all(range.params) as { category: Category; first_seen: string; first_decided_at: string }[];
  const hoursByCategory = new Map<Category, number[]>();
  for (const row of decided) {
    // A decision dated before the alert's first sighting (a back-dated import) counts as immediate.
    const hours = Math.max(0, Date.parse(row.first_decided_at) - Date.parse(row.first_seen)) / HOUR_MS;
    const list = hoursByCategory.get(row.category) ?? [];
    list.push(hours);
    hoursByCategory.set(row.category, list);
  }
  const timeToDecision = [...hoursByCategory.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([category, hours]) => {
      hours.sort((x, y) => x - y);
      return { category, decided: hours.length, medianHours: roundHours(percentile(hours, 50)), p90Hours: roundHours(percentile(hours, 90)) };
    });

  return { perCategoryWeek, decisions, timeToDecision };
}
