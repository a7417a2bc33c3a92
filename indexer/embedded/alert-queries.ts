// The embedded index's alert queue: the filtered, ranked list and its count, the same grouped by
// content (one row per contentHash), and the alerts of given contents. Every filter is an SQL
// parameter; the order is the queue's (calibrated score, lastSeen newest first, id), which the
// rank indexes of schema.ts serve, so a first page stops early instead of sorting every alert.
import type Database from 'better-sqlite3';
import { alertGroupOf, resolveAlertFilter, resolveContentHashes } from '../alert-queue.ts';
import type { ResolvedAlertFilter } from '../alert-queue.ts';
import { MAX_CONTENT_HASHES } from '../types.ts';
import type { Alert, AlertFilter, AlertGroup } from '../types.ts';
import { alertFromRow } from './page-writer.ts';
import type { AlertRow } from './page-writer.ts';

/** Prepares (and caches) a statement: the index's own cache, so query shapes are prepared once. */
export type StatementOf = (sql: string) => Database.Statement;

type Params = Record<string, string | number>;

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
  return { conditions, params };
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
    const sql = `SELECT * FROM alerts ${whereOf(conditions)} ORDER BY ${RANK_ORDER('')} LIMIT @limit OFFSET @offset`;
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
    const headSql = `SELECT a.* FROM alerts a
      ${whereOf([...outer.conditions, `NOT EXISTS (SELECT 1 FROM alerts b WHERE ${['b.content_hash = a.content_hash', ...inner.conditions, outranks].join(' AND ')})`])}
      ORDER BY ${RANK_ORDER('a.')} LIMIT @limit OFFSET @offset`;
    const heads = this.#rows(headSql, { ...outer.params, limit: resolved.limit, offset: resolved.offset });
    const memberSql = `SELECT * FROM alerts b ${whereOf([...inner.conditions, 'b.content_hash = @groupHash'])}`;
    return heads.map((head) => alertGroupOf(this.#rows(memberSql, { ...inner.params, groupHash: head.contentHash })));
  }

  countGroups(filter: AlertFilter): number {
    const { conditions, params } = alertConditions(resolveAlertFilter(filter));
    return (this.#statement(`SELECT count(DISTINCT content_hash) AS n FROM alerts ${whereOf(conditions)}`).get(params) as { n: number }).n;
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
