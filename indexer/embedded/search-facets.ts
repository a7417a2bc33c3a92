// Facets and the date histogram of a search, over the whole matching set (not the page of hits):
// the matching rows are materialised once and grouped by target, language, host, category and
// date bucket in one statement. Hosts are reduced to sites (registrable domains) here, since the
// pages table stores hosts: a host belongs to exactly one site, so summing per site is exact.
import type Database from 'better-sqlite3';
import type { EntityGraph, FacetCount, HistogramBucket, HistogramInterval, SearchFacets } from '../types.ts';
import { assembleGraph, rankSharedEntities } from '../entity-graph.ts';
import type { ResolvedGraphOptions } from '../entity-graph.ts';
import { reversedHost, siteOfHost, timeMs } from '../page-fields.ts';
import type { SearchSql } from './search-sql.ts';

export const FACET_SIZE = 20;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: Monday-based weeks are offset by three days. */
const MONDAY_OFFSET_MS = 3 * DAY_MS;

/** SQL for the start of a fetched_ms bucket: epoch ms for days and weeks, ISO text for months. */
function bucketSql(interval: HistogramInterval): string {
  switch (interval) {
    case 'day':
      return `m.fetched_ms - (((m.fetched_ms % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS})`;
    case 'week':
      return `m.fetched_ms - ((((m.fetched_ms + ${MONDAY_OFFSET_MS}) % ${WEEK_MS}) + ${WEEK_MS}) % ${WEEK_MS})`;
    case 'month':
      return `strftime('%Y-%m-01T00:00:00.000Z', m.fetched_ms / 1000, 'unixepoch')`;
  }
}

export function facetsSql(sql: SearchSql, options: { facets: boolean; histogram?: HistogramInterval }): string {
  // The total comes from the same materialised set: the matching pages are found once.
  const groups: string[] = [`SELECT 'total' AS facet, NULL AS value, count(*) AS n FROM m`];
  if (options.facets) {
    groups.push(
      `SELECT 'target', m.target_id, count(*) FROM m GROUP BY m.target_id`,
      `SELECT 'language', m.language, count(*) FROM m WHERE m.language IS NOT NULL GROUP BY m.language`,
      `SELECT 'host', m.host_rev, count(*) FROM m GROUP BY m.host_rev`,
      `SELECT 'category', c.category, count(*) FROM m JOIN page_categories c ON c.page_seq = m.seq GROUP BY c.category`,
    );
  }
  if (options.histogram !== undefined) {
    groups.push(`SELECT 'bucket', ${bucketSql(options.histogram)}, count(*) FROM m GROUP BY 2`);
  }
  return `WITH m AS MATERIALIZED (${sql.matched}) ${groups.join(' UNION ALL ')}`;
}

interface GroupRow {
  facet: 'total' | 'target' | 'language' | 'host' | 'category' | 'bucket';
  value: string | number | null;
  n: number;
}

/** Most frequent first, ties by value (the order Elasticsearch's terms aggregation is asked for). */
export function topValues(counts: Map<string, number>, size = FACET_SIZE): FacetCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, size);
}

function add(counts: Map<string, number>, value: string, n: number): void {
  counts.set(value, (counts.get(value) ?? 0) + n);
}

export interface FacetResult {
  total: number;
  facets?: SearchFacets;
  histogram?: HistogramBucket[];
}

export function runFacets(
  statement: Database.Statement,
  sql: SearchSql,
  options: { facets: boolean; histogram?: HistogramInterval },
): FacetResult {
  const rows = statement.all(sql.params) as GroupRow[];
  const counts = { target: new Map<string, number>(), language: new Map<string, number>(), domain: new Map<string, number>(), category: new Map<string, number>() };
  const buckets: { start: string; ms: number; count: number }[] = [];
  let total = 0;
  for (const row of rows) {
    if (row.facet === 'total') {
      total = row.n;
      continue;
    }
    if (row.value === null) continue;
    if (row.facet === 'bucket') {
      const start = typeof row.value === 'number' ? new Date(row.value).toISOString() : String(row.value);
      buckets.push({ start, ms: Date.parse(start), count: row.n });
    } else if (row.facet === 'host') {
      const site = siteOfHost(reversedHost(String(row.value)));
      if (site !== '') add(counts.domain, site, row.n);
    } else {
      add(counts[row.facet], String(row.value), row.n);
    }
  }
  const result: FacetResult = { total };
  if (options.facets) {
    result.facets = {
      category: topValues(counts.category),
      target: topValues(counts.target),
      language: topValues(counts.language),
      domain: topValues(counts.domain),
    };
  }
  if (options.histogram !== undefined) {
    result.histogram = buckets.sort((a, b) => a.ms - b.ms).map(({ start, count }) => ({ start, count }));
  }
  return result;
}

/**
 * The entity graph (entity-graph.ts) from page_entities: pages per (entity, host) for entities
 * seen on enough distinct hosts (a site has one or more hosts, so that bound never drops a shared
 * entity), reduced to sites in JavaScript; then the graph's sites' pages mentioning its entities.
 */
export function embeddedEntityGraph(prepare: (sql: string) => Database.Statement, options: ResolvedGraphOptions): EntityGraph {
  const where: string[] = [];
  const params: Record<string, string | number> = { minSites: options.minSites };
  if (options.type !== undefined) {
    // Keys are `type:value`; ';' sorts right after ':', so this range is exactly the type's keys.
    where.push('e.key >= @typeLow AND e.key < @typeHigh');
    Object.assign(params, { typeLow: `${options.type}:`, typeHigh: `${options.type};` });
  }
  if (options.from !== undefined) {
    where.push('p.fetched_ms >= @fromMs');
    params.fromMs = timeMs(options.from, 'from');
  }
  if (options.to !== undefined) {
    where.push('p.fetched_ms <= @toMs');
    params.toMs = timeMs(options.to, 'to');
  }
  const typeWhere = options.type === undefined ? '' : 'WHERE key >= @typeLow AND key < @typeHigh';
  // Most entities are on one page: keys on fewer pages than minSites (at any time) are dropped
  // first, from page_entities alone, before any page is read.
  const counts = prepare(
    `WITH candidates AS MATERIALIZED (
       SELECT key FROM page_entities ${typeWhere} GROUP BY key HAVING count(*) >= @minSites),
     counts AS MATERIALIZED (
       SELECT e.key AS key, p.host_rev AS host_rev, count(*) AS n
       FROM candidates c JOIN page_entities e ON e.key = c.key JOIN pages p INDEXED BY pages_facts ON p.seq = e.page_seq
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY e.key, p.host_rev)
     SELECT key, host_rev, n FROM counts WHERE key IN (SELECT key FROM counts GROUP BY key HAVING count(*) >= @minSites)`,
  ).all(params) as { key: string; host_rev: string; n: number }[];
  const entities = rankSharedEntities(
    counts
      .map((row) => ({ key: row.key, site: siteOfHost(reversedHost(row.host_rev)), pages: row.n }))
      .filter((count) => count.site !== ''),
    options.minSites,
    options.limit,
  );
  const sitePages = new Map<string, number>();
  if (entities.length > 0) {
    const keys = JSON.stringify(entities.map((entity) => entity.key));
    const timeWhere = where.filter((condition) => condition.startsWith('p.'));
    const rows = prepare(
      `SELECT p.host_rev AS host_rev, count(DISTINCT p.seq) AS n FROM page_entities e JOIN pages p INDEXED BY pages_facts ON p.seq = e.page_seq
       WHERE e.key IN (SELECT value FROM json_each(@keys)) ${timeWhere.map((condition) => `AND ${condition}`).join(' ')}
       GROUP BY p.host_rev`,
    ).all({ keys, ...pick(params, ['fromMs', 'toMs']) }) as { host_rev: string; n: number }[];
    for (const row of rows) add(sitePages, siteOfHost(reversedHost(row.host_rev)), row.n);
  }
  return assembleGraph(entities, sitePages);
}

function pick(params: Record<string, string | number>, names: readonly string[]): Record<string, string | number> {
  return Object.fromEntries(names.filter((name) => params[name] !== undefined).map((name) => [name, params[name]!]));
}
