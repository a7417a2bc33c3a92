// Turning user input into something both backends can run safely: free text split into words
// and "phrases", paging bounds, and normalised filter values.
import type { HistogramInterval, SearchQuery } from './types.ts';
import { canonicalTime, entityKey, normaliseDomain } from './page-fields.ts';
import { parseSearchQuery } from './search-syntax.ts';
import { NonRetryableError } from '../config/errors.ts';
import type { SearchNode } from './search-syntax.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
/** Longer user text is cut: nobody types this much, and it bounds the query size. */
export const MAX_TEXT_CHARS = 1000;
export const MAX_TEXT_PIECES = 32;

/** Something a tokenizer would keep: a letter or a digit. */
const SEARCHABLE = /[\p{L}\p{N}]/u;

/**
 * Splits free text into pieces that must all match: each "double-quoted" run is one phrase,
 * every other whitespace-separated word is one piece. Nothing is syntax: `AND`, `*`, `(` or
 * `col:` are just characters, and pieces without a letter or digit are dropped (they could
 * never match). An unbalanced quote opens a phrase that runs to the end.
 */
export function parseSearchText(text: string): string[] {
  const pieces: string[] = [];
  const input = text.slice(0, MAX_TEXT_CHARS);
  const parts = input.split('"');
  parts.forEach((part, i) => {
    const insideQuotes = i % 2 === 1;
    if (insideQuotes) {
      const phrase = part.replace(/\s+/gu, ' ').trim();
      if (phrase !== '') pieces.push(phrase);
    } else {
      pieces.push(...part.split(/\s+/u).filter((word) => word !== ''));
    }
  });
  return pieces.filter((piece) => SEARCHABLE.test(piece)).slice(0, MAX_TEXT_PIECES);
}

export interface Paging {
  limit: number;
  offset: number;
}

export function resolvePaging(limit: number | undefined, offset: number | undefined): Paging {
  const wholeOr = (value: number | undefined, fallback: number): number =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.floor(value);
  return {
    limit: Math.min(Math.max(wholeOr(limit, DEFAULT_LIMIT), 0), MAX_LIMIT),
    offset: Math.max(wholeOr(offset, 0), 0),
  };
}

/** A SearchQuery with every filter validated and normalised; absent filters are undefined. */
export interface ResolvedSearch extends Paging {
  /** The parsed text query (search-syntax.ts); null matches every page. */
  query: SearchNode | null;
  entityKey?: string;
  category?: string;
  targetId?: string;
  language?: string;
  domain?: string;
  from?: string;
  to?: string;
  facets: boolean;
  histogram?: HistogramInterval;
}

const HISTOGRAM_INTERVALS: readonly HistogramInterval[] = ['day', 'week', 'month'];

export function resolveSearch(query: SearchQuery): ResolvedSearch {
  const resolved: ResolvedSearch = {
    ...resolvePaging(query.limit, query.offset),
    // Throws SearchSyntaxError on bad syntax: the caller answers 400 bad-query.
    query: query.text === undefined ? null : parseSearchQuery(query.text),
    facets: query.facets === true,
  };
  if (query.histogram !== undefined) {
    if (!HISTOGRAM_INTERVALS.includes(query.histogram)) {
      throw new NonRetryableError('index-invalid-histogram', `histogram is one of ${HISTOGRAM_INTERVALS.join(', ')}`);
    }
    resolved.histogram = query.histogram;
  }
  if (query.entity) resolved.entityKey = entityKey(query.entity.type, query.entity.value);
  if (query.category) resolved.category = query.category;
  if (query.targetId) resolved.targetId = query.targetId;
  if (query.language) resolved.language = query.language;
  const domain = query.domain === undefined ? null : normaliseDomain(query.domain);
  if (domain !== null) resolved.domain = domain;
  if (query.from) resolved.from = canonicalTime(query.from, 'from');
  if (query.to) resolved.to = canonicalTime(query.to, 'to');
  return resolved;
}

/** The leading part of a text, cut at a word boundary, for hits that have no match to show. */
export function leadingExcerpt(text: string, maxChars = 200): string {
  const collapsed = text.replace(/\s+/gu, ' ').trim();
  if (collapsed.length <= maxChars) return collapsed;
  const cut = collapsed.slice(0, maxChars);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut}…`;
}
