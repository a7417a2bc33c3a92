// SQL for a resolved search. The parsed query (search-syntax.ts) becomes, where it can, one FTS5
// MATCH expression joined to the pages (ranked by bm25, title weighing double, with snippets);
// what FTS5 cannot say (a negation alone, filters under OR or NOT) becomes SQL predicates, with
// text parts as `seq IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH ...)`. Every term is
// a quoted FTS5 string and every value a bound parameter: no user input is ever syntax.
import type { ResolvedSearch } from '../search-input.ts';
import type { SearchNode, TermNode } from '../search-syntax.ts';
import { reversedHost, timeMs } from '../page-fields.ts';
import { foldForFts } from './fts-text.ts';

export type SqlParams = Record<string, string | number>;

export interface SearchSql {
  select: string;
  count: string;
  /** `SELECT p.seq, ... FROM ... WHERE ...`: the whole matching set, which facets aggregate. */
  matched: string;
  /** Parameters of `count` and `matched`; `select` takes these plus `limit` and `offset`. */
  params: SqlParams;
  /** True when the `snippet` column is an FTS5 snippet; otherwise it is the start of the text. */
  hasMatch: boolean;
}

const SNIPPET_TOKENS = 24;
const LEADING_CHARS = 400;

/** A quoted FTS5 string: nothing inside is syntax ("" is a literal quote). */
function ftsString(text: string): string {
  return `"${foldForFts(text).replaceAll('"', '""')}"`;
}

function ftsTerm(term: TermNode): string {
  const phrase = `${ftsString(term.text)}${term.prefix ? ' *' : ''}`;
  return term.field === 'any' ? phrase : `${term.field} : ${phrase}`;
}

/**
 * The node as one FTS5 expression, or null when FTS5 cannot express it: FTS5 has no unary NOT
 * (only `a NOT b`), and filters are not full text.
 */
export function ftsExpression(node: SearchNode): string | null {
  switch (node.kind) {
    case 'term':
      return ftsTerm(node);
    case 'or': {
      const parts = node.children.map(ftsExpression);
      return parts.every((part) => part !== null) ? `(${parts.join(' OR ')})` : null;
    }
    case 'and':
      return conjunction(node.children);
    default:
      return null;
  }
}

/** `(a AND b) NOT (c) NOT (d)` from AND-ed nodes, when at least one is positive and all are text. */
function conjunction(nodes: readonly SearchNode[]): string | null {
  const positive: string[] = [];
  const negative: string[] = [];
  for (const node of nodes) {
    const expression = ftsExpression(node.kind === 'not' ? node.child : node);
    if (expression === null) return null;
    (node.kind === 'not' ? negative : positive).push(expression);
  }
  if (positive.length === 0) return null;
  return [`(${positive.join(' AND ')})`, ...negative.map((expression) => `(${expression})`)].join(' NOT ');
}

class Predicates {
  readonly params: SqlParams = {};
  #next = 0;

  bind(value: string | number): string {
    const name = `q${this.#next++}`;
    this.params[name] = value;
    return `@${name}`;
  }

  /** The node as an SQL condition on `p` (pages). */
  of(node: SearchNode): string {
    switch (node.kind) {
      case 'term':
        return this.fullText(ftsTerm(node));
      case 'url':
        // SQLite's lower() folds ASCII only; the parser lower-cased the value the same way.
        return `instr(lower(p.url), ${this.bind(node.value)}) > 0`;
      case 'filter':
        return this.filter(node.field, node.value);
      case 'not':
        return `NOT (${this.of(node.child)})`;
      case 'and':
      case 'or': {
        const expression = ftsExpression(node);
        if (expression !== null) return this.fullText(expression);
        return `(${node.children.map((child) => this.of(child)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
    }
  }

  fullText(expression: string): string {
    return `p.seq IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH ${this.bind(expression)})`;
  }

  filter(field: 'category' | 'target' | 'language' | 'domain' | 'entity', value: string): string {
    switch (field) {
      case 'category':
        return `p.seq IN (SELECT page_seq FROM page_categories WHERE category = ${this.bind(value)})`;
      case 'entity':
        return `p.seq IN (SELECT page_seq FROM page_entities WHERE key = ${this.bind(value)})`;
      case 'target':
        return `p.target_id = ${this.bind(value)}`;
      case 'language':
        // IS, not =: under NOT, a page without a language must count as "not this language".
        return `p.language IS ${this.bind(value)}`;
      case 'domain': {
        // The domain itself, or any host whose reversed form continues with '.': a range between
        // 'org.example.' and 'org.example/' ('/' follows '.'), which the host index serves.
        const rev = reversedHost(value);
        return `(p.host_rev = ${this.bind(rev)} OR (p.host_rev > ${this.bind(`${rev}.`)} AND p.host_rev < ${this.bind(`${rev}/`)}))`;
      }
    }
  }
}

/**
 * Splits the query's top-level AND into what one FTS5 MATCH can rank (every text conjunct, and
 * text negations when there is a positive one) and the rest.
 */
function splitQuery(query: SearchNode | null): { match: string | null; rest: SearchNode[] } {
  if (query === null) return { match: null, rest: [] };
  const conjuncts = query.kind === 'and' ? query.children : [query];
  const isText = (node: SearchNode) => ftsExpression(node.kind === 'not' ? node.child : node) !== null;
  const text = conjuncts.filter(isText);
  const match = conjunction(text);
  return match === null ? { match: null, rest: conjuncts } : { match, rest: conjuncts.filter((node) => !isText(node)) };
}

export function buildSearchSql(search: ResolvedSearch): SearchSql {
  const predicates = new Predicates();
  const where: string[] = [];
  const { match, rest } = splitQuery(search.query);
  const hasMatch = match !== null;
  if (hasMatch) where.push(`pages_fts MATCH ${predicates.bind(match)}`);
  for (const node of rest) where.push(predicates.of(node));
  if (search.entityKey !== undefined) where.push(predicates.filter('entity', search.entityKey));
  if (search.category !== undefined) where.push(predicates.filter('category', search.category));
  if (search.targetId !== undefined) where.push(predicates.filter('target', search.targetId));
  if (search.language !== undefined) where.push(predicates.filter('language', search.language));
  if (search.domain !== undefined) where.push(predicates.filter('domain', search.domain));
  if (search.from !== undefined) where.push(`p.fetched_ms >= ${predicates.bind(timeMs(search.from, 'from'))}`);
  if (search.to !== undefined) where.push(`p.fetched_ms <= ${predicates.bind(timeMs(search.to, 'to'))}`);

  const from = hasMatch ? 'pages_fts JOIN pages p ON p.seq = pages_fts.rowid' : 'pages p';
  // The covering index of narrow page columns (schema.ts V4): the matching set is read without the wide rows.
  const narrowFrom = hasMatch ? 'pages_fts JOIN pages p INDEXED BY pages_facts ON p.seq = pages_fts.rowid' : 'pages p INDEXED BY pages_facts';
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // Every FTS row has its page (page-writer.ts keeps them in step): a lone MATCH counts without the join.
  const count =
    hasMatch && where.length === 1 ? `SELECT count(*) AS total FROM pages_fts ${whereSql}` : `SELECT count(*) AS total FROM ${from} ${whereSql}`;
  const snippet = hasMatch
    ? `snippet(pages_fts, 1, '', '', '…', ${SNIPPET_TOKENS})`
    : `substr(p.text, 1, ${LEADING_CHARS})`;
  const order = hasMatch ? 'bm25(pages_fts, 2.0, 1.0), p.fetched_ms DESC, p.id' : 'p.fetched_ms DESC, p.id';
  return {
    select: `SELECT p.id, p.url, p.title, p.fetched_at, p.target_id, p.language, p.categories_json, ${snippet} AS snippet
      FROM ${from} ${whereSql} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    count,
    matched: `SELECT p.seq, p.target_id, p.language, p.host_rev, p.fetched_ms FROM ${narrowFrom} ${whereSql}`,
    params: predicates.params,
    hasMatch,
  };
}
