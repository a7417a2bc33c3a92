// The embedded index's alert queue: the filtered, ranked list and its count, the same grouped by
// content (one row per contentHash), and the alerts of given contents. Every filter is an SQL
// parameter; the order is the queue's (calibrated score, lastSeen newest first, id), which the
// rank indexes of schema.ts serve, so a first page stops early instead of sorting every alert.
import type Database from 'better-sqlite3';
import { alertGroupOf, resolveAlertFilter, resolveContentHashes } from '../alert-queue.ts';
import type { ResolvedAlertFilter } from '../alert-queue.ts';
import { MAX_CONTENT_HASHES, OPEN_ALERT_STATUSES } from '../types.ts';
import type { Alert, AlertFilter, AlertGroup } from '../types.ts';
import { alertFromRow } from './page-writer.ts';
import type { AlertRow } from './page-writer.ts';

/** Prepares (and caches) a statement: the index's own cache, so query shapes are prepared once. */
export type StatementOf = (sql: string) => Database.Statement;

type Params = Record<string, string | number>;

/**
 * The open queue's condition exactly as alerts_open_rank's WHERE clause is written (schema.ts):
 * SQLite uses a partial index only for a query term identical to it.
 */
const OPEN_QUEUE_SQL = `status IN (${OPEN_ALERT_STATUSES.map((status) => `'${status}'`).join(', ')})`;

function isOpenQueue(statuses: readonly string[]): boolean {
  return statuses.length === OPEN_ALERT_STATUSES.length && OPEN_ALERT_STATUSES.every((status) => statuses.includes(status));
}

const RANK_ORDER = (alias: string): string => `${alias}calibrated_score DESC, ${alias}last_seen DESC, ${alias}id`;

/**
 * The WHERE conditions of a filter on the alerts table under `alias` ('' or 'b.'); the parameter
 * names do not depend on the alias, so one filter can constrain two aliases of one query.
 */
export function alertConditions(filter: ResolvedAlertFilter, alias = ''): { conditions: string[]; params: Params } {
  const conditions: string[] = [];
  const params: Params = {};
  if (filter.statuses !== undefined) {
    if (filter.statuses.length === 0) conditions.push('0');
    else if (isOpenQueue(filter.statuses)) conditions.push(`${alias}${OPEN_QUEUE_SQL}`);
    else {
      filter.statuses.forEach((status, i) => (params[`status${i}`] = status));
      conditions.push(`${alias}status IN (${filter.statuses.map((_, i) => `@status${i}`).join(', ')})`);
    }
  }
  for (const [column, key, value] of [
    ['category', 'category', filter.category],
    ['target_id', 'targetId', filter.targetId],
    ['assignee', 'assignee', filter.assignee],
    ['content_hash', 'contentHash', filter.contentHash],
  ] as const) {
    if (value === undefined) continue;
    conditions.push(`${alias}${column} = @${key}`);
    params[key] = value;
  }
  if (filter.from !== undefined) {
    conditions.push(`${alias}last_seen >= @from`);
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    conditions.push(`${alias}last_seen <= @to`);
    params.to = filter.to;
  }
  // Both times are canonical ISO strings: string order is time order.
  if (filter.seenSinceDecision) conditions.push(`${alias}decision_json IS NOT NULL AND ${alias}last_seen > json_extract(${alias}decision_json, '$.at')`);
  return { conditions, params };
}

/**
 * The open queue, unless narrowed by a filter that has its own rank index (category, assignee,
 * content), walks alerts_open_rank in rank order and stops after the page: named, because
 * without statistics SQLite reads `status IN (...)` as selective, gathers every open alert
 * through the status index and sorts them (0.5 s at 80,000 open alerts instead of 1 ms).
 */
function openQueueIndex(filter: ResolvedAlertFilter): string {
  const narrowed = filter.category !== undefined || filter.assignee !== undefined || filter.contentHash !== undefined;
  return filter.statuses !== undefined && isOpenQueue(filter.statuses) && !narrowed ? 'INDEXED BY alerts_open_rank' : '';
}

/**
 * Groups counted by walking alerts_content_rank, whose (content_hash, status) prefix answers a
 * status-only filter without reading rows; other filters leave the choice to SQLite.
 */
function groupCountIndex(filter: ResolvedAlertFilter): string {
  const others = [filter.category, filter.targetId, filter.assignee, filter.contentHash, filter.from, filter.to, filter.seenSinceDecision];
  return others.every((value) => value === undefined) ? 'INDEXED BY alerts_content_rank' : '';
}

function whereOf(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

export class AlertQueries {
  readonly #statement: StatementOf;

  constructor(statement: StatementOf) {
    this.#statement = statement;
  }

  list(filter: AlertFilter): Alert[] {
    const resolved = resolveAlertFilter(filter);
    const { conditions, params } = alertConditions(resolved);
    const sql = `SELECT * FROM alerts ${openQueueIndex(resolved)} ${whereOf(conditions)} ORDER BY ${RANK_ORDER('')} LIMIT @limit OFFSET @offset`;
    return this.#rows(sql, { ...params, limit: resolved.limit, offset: resolved.offset });
  }

  count(filter: AlertFilter): number {
    const { conditions, params } = alertConditions(resolveAlertFilter(filter));
    return (this.#statement(`SELECT count(*) AS n FROM alerts ${whereOf(conditions)}`).get(params) as { n: number }).n;
  }

  /**
   * A group's row is its best-ranked matching alert: an alert heads its group when no matching
   * alert of the same content ranks above it. Walking the rank order and keeping group heads lets
   * a first page stop early; each head's group is then read through the content-hash index.
   */
  groups(filter: AlertFilter): AlertGroup[] {
    const resolved = resolveAlertFilter(filter);
    const outer = alertConditions(resolved, 'a.');
    const inner = alertConditions(resolved, 'b.');
    const outranks = `(b.calibrated_score > a.calibrated_score OR (b.calibrated_score = a.calibrated_score
      AND (b.last_seen > a.last_seen OR (b.last_seen = a.last_seen AND b.id < a.id))))`;
    const headSql = `SELECT a.* FROM alerts a ${openQueueIndex(resolved)}
      ${whereOf([...outer.conditions, `NOT EXISTS (SELECT 1 FROM alerts b WHERE ${['b.content_hash = a.content_hash', ...inner.conditions, outranks].join(' AND ')})`])}
      ORDER BY ${RANK_ORDER('a.')} LIMIT @limit OFFSET @offset`;
    const heads = this.#rows(headSql, { ...outer.params, limit: resolved.limit, offset: resolved.offset });
    const memberSql = `SELECT * FROM alerts b ${whereOf([...inner.conditions, 'b.content_hash = @groupHash'])}`;
    return heads.map((head) => alertGroupOf(this.#rows(memberSql, { ...inner.params, groupHash: head.contentHash })));
  }

  countGroups(filter: AlertFilter): number {
    const resolved = resolveAlertFilter(filter);
    const { conditions, params } = alertConditions(resolved);
    const sql = `SELECT count(DISTINCT content_hash) AS n FROM alerts ${groupCountIndex(resolved)} ${whereOf(conditions)}`;
    return (this.#statement(sql).get(params) as { n: number }).n;
  }

  forContent(contentHashes: readonly string[]): Alert[] {
    const hashes = resolveContentHashes(contentHashes);
    if (hashes.length === 0) return [];
    const sql = `SELECT * FROM alerts WHERE content_hash IN (SELECT value FROM json_each(@hashes))
      ORDER BY ${RANK_ORDER('')} LIMIT ${MAX_CONTENT_HASHES}`;
    return this.#rows(sql, { hashes: JSON.stringify(hashes) });
  }

  #rows(sql: string, params: Params): Alert[] {
    return (this.#statement(sql).all(params) as AlertRow[]).map(alertFromRow);
  }
}
