// Request bodies for reading: page search and the alert queue, and the mapping of their hits.
import type { estypes } from '@elastic/elasticsearch';
import type { Category } from '../../extractors/types.ts';
import type { ScanPagesOptions, SearchHit } from '../types.ts';
import type { ResolvedSearch } from '../search-input.ts';
import { resolvePaging } from '../search-input.ts';
import { canonicalTime } from '../page-fields.ts';
import type { EsPageSource } from './write-bodies.ts';

const SNIPPET_CHARS = 200;
/** Highlighting stops here instead of failing on very long texts (the index limit is 1,000,000). */
const MAX_ANALYZED_OFFSET = 999_999;

/** The fields a search hit needs; text, entities and flags stay on the server. */
export const HIT_SOURCE_FIELDS = ['id', 'url', 'title', 'fetchedAt', 'targetId', 'language', 'categories'] as const;
export type EsHitSource = Pick<EsPageSource, (typeof HIT_SOURCE_FIELDS)[number]>;

function term(field: string, value: string): estypes.QueryDslQueryContainer {
  return { term: { [field]: value } };
}

/**
 * Every text piece (a word or a "phrase", see parseSearchText) must match as a phrase in the
 * title or the text: a match query of analysed text, never query syntax, so no user input can
 * make it fail. Filters do not score.
 */
export function pageSearchRequest(index: string, search: ResolvedSearch): estypes.SearchRequest {
  const must: estypes.QueryDslQueryContainer[] = search.pieces.map((piece) => ({
    multi_match: { query: piece, type: 'phrase', fields: ['title^2', 'text'] },
  }));
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (search.entityKey !== undefined) filter.push(term('entityKeys', search.entityKey));
  if (search.category !== undefined) filter.push(term('categories', search.category));
  if (search.targetId !== undefined) filter.push(term('targetId', search.targetId));
  if (search.language !== undefined) filter.push(term('language', search.language));
  if (search.domain !== undefined) filter.push(term('hostSuffixes', search.domain));
  if (search.from !== undefined || search.to !== undefined) {
    const range: estypes.QueryDslDateRangeQuery = {};
    if (search.from !== undefined) range.gte = search.from;
    if (search.to !== undefined) range.lte = search.to;
    filter.push({ range: { fetchedTime: range } });
  }
  const newestFirst: estypes.SortCombinations[] = [{ fetchedTime: { order: 'desc' } }, { id: { order: 'asc' } }];
  return {
    index,
    from: search.offset,
    size: search.limit,
    track_total_hits: true,
    query: { bool: { must, filter } },
    sort: must.length > 0 ? [{ _score: { order: 'desc' } }, ...newestFirst] : newestFirst,
    _source: { includes: [...HIT_SOURCE_FIELDS] },
    highlight: {
      max_analyzed_offset: MAX_ANALYZED_OFFSET,
      fields: {
        text: { type: 'unified', fragment_size: SNIPPET_CHARS, number_of_fragments: 1, no_match_size: SNIPPET_CHARS },
      },
    },
  };
}

/** Highlighter marks are dropped: hits carry plain text, the UI decides how to show a match. */
function plainSnippet(fragments: readonly string[] | undefined): string {
  return (fragments?.[0] ?? '').replace(/<\/?em>/gu, '').replace(/\s+/gu, ' ').trim();
}

export function searchHitFrom(hit: estypes.SearchHit<EsHitSource>): SearchHit {
  const source = hit._source;
  return {
    id: source?.id ?? hit._id ?? '',
    url: source?.url ?? '',
    title: source?.title ?? '',
    fetchedAt: source?.fetchedAt ?? '',
    targetId: source?.targetId ?? '',
    language: source?.language ?? null,
    categories: (source?.categories ?? []) as Category[],
    snippet: plainSnippet(hit.highlight?.text),
  };
}

export function totalOf(total: estypes.SearchTotalHits | number | undefined): number {
  if (total === undefined) return 0;
  return typeof total === 'number' ? total : total.value;
}

/**
 * One batch of a page scan: pages in id order after the cursor (search_after on the id keyword,
 * which needs no scroll context and survives a restart of the scan from its last id).
 */
export function pageScanRequest(index: string, options: ScanPagesOptions): estypes.SearchRequest {
  const limit = Math.max(1, resolvePaging(options.limit, 0).limit);
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (options.targetId !== undefined) filter.push(term('targetId', options.targetId));
  if (options.since !== undefined) filter.push({ range: { fetchedTime: { gte: canonicalTime(options.since, 'since') } } });
  const request: estypes.SearchRequest = {
    index,
    size: limit,
    track_total_hits: false,
    query: { bool: { filter } },
    sort: [{ id: { order: 'asc' } }],
  };
  if (options.after !== undefined && options.after !== '') request.search_after = [options.after];
  return request;
}
