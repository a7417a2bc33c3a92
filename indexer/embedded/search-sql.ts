// SQL for a resolved search: filters combine with AND; free text goes through FTS5 MATCH as a
// quoted-phrase expression (fts-text.ts) and is ranked by bm25 with the title weighing double.
import type { ResolvedSearch } from '../search-input.ts';
import { reversedHost, timeMs } from '../page-fields.ts';
import { ftsMatchExpression } from './fts-text.ts';

export interface SearchSql {
  select: string;
  count: string;
  /** Parameters of `count`; `select` takes these plus `limit` and `offset`. */
  params: Record<string, string | number>;
  /** True when the `snippet` column is an FTS5 snippet; otherwise it is the start of the text. */
  hasMatch: boolean;
}

const SNIPPET_TOKENS = 24;
const LEADING_CHARS = 400;

export function buildSearchSql(search: ResolvedSearch): SearchSql {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  const hasMatch = search.pieces.length > 0;
  if (hasMatch) {
    where.push('pages_fts MATCH @match');
    params.match = ftsMatchExpression(search.pieces);
  }
  if (search.entityKey !== undefined) {
    where.push('p.seq IN (SELECT page_seq FROM page_entities WHERE key = @entityKey)');
    params.entityKey = search.entityKey;
  }
  if (search.category !== undefined) {
    where.push('p.seq IN (SELECT page_seq FROM page_categories WHERE category = @category)');
    params.category = search.category;
  }
  if (search.targetId !== undefined) {
    where.push('p.target_id = @targetId');
    params.targetId = search.targetId;
  }
  if (search.language !== undefined) {
    where.push('p.language = @language');
    params.language = search.language;
  }
  if (search.domain !== undefined) {
    // The domain itself, or any host whose reversed form continues with '.': a range between
    // 'org.example.' and 'org.example/' ('/' follows '.'), which the host index serves.
    const rev = reversedHost(search.domain);
    where.push('(p.host_rev = @hostRev OR (p.host_rev > @hostRevLow AND p.host_rev < @hostRevHigh))');
    Object.assign(params, { hostRev: rev, hostRevLow: `${rev}.`, hostRevHigh: `${rev}/` });
  }
  if (search.from !== undefined) {
    where.push('p.fetched_ms >= @fromMs');
    params.fromMs = timeMs(search.from, 'from');
  }
  if (search.to !== undefined) {
    where.push('p.fetched_ms <= @toMs');
    params.toMs = timeMs(search.to, 'to');
  }

  const from = hasMatch ? 'pages_fts JOIN pages p ON p.seq = pages_fts.rowid' : 'pages p';
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const snippet = hasMatch
    ? `snippet(pages_fts, 1, '', '', '…', ${SNIPPET_TOKENS})`
    : `substr(p.text, 1, ${LEADING_CHARS})`;
  const order = hasMatch ? 'bm25(pages_fts, 2.0, 1.0), p.fetched_ms DESC, p.id' : 'p.fetched_ms DESC, p.id';
  return {
    select: `SELECT p.id, p.url, p.title, p.fetched_at, p.target_id, p.language, p.categories_json, ${snippet} AS snippet
      FROM ${from} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    count: `SELECT count(*) AS total FROM ${from} ${whereSql}`,
    params,
    hasMatch,
  };
}
