// Request bodies for reading: page search (query language, facets, histogram), the entity graph,
// the alert queue, and the mapping of their responses.
import type { estypes } from '@elastic/elasticsearch';
import type { Category } from '../../extractors/types.ts';
import type { FacetCount, ScanPagesOptions, SearchFacets, SearchHit, SearchResult } from '../types.ts';
import type { ResolvedSearch } from '../search-input.ts';
import type { FilterNode, SearchNode, TermNode } from '../search-syntax.ts';
import { MAX_SITES_PER_ENTITY } from '../entity-graph.ts';
import type { EntitySiteCount, ResolvedGraphOptions } from '../entity-graph.ts';
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

/** Multi-word prefixes ("livraison rap"*) expand to at most this many words (Elasticsearch's phrase_prefix). */
export const MAX_PREFIX_EXPANSIONS = 1000;

const TEXT_FIELDS: Record<TermNode['field'], string[]> = { any: ['title^2', 'text'], title: ['title'], text: ['text'] };
const FILTER_FIELDS: Record<FilterNode['field'], string> = {
  category: 'categories', target: 'targetId', language: 'language', domain: 'hostSuffixes', entity: 'entityKeys',
};

function termQuery(node: TermNode): estypes.QueryDslQueryContainer {
  const fields = TEXT_FIELDS[node.field];
  if (node.prefix && node.tokens.length === 1) {
    // One folded word as the index stores it: a prefix query is not analysed, and expands without limit.
    const should = fields.map((field) => {
      const [name, boost] = field.split('^') as [string, string | undefined];
      return { prefix: { [name]: boost === undefined ? { value: node.tokens[0]! } : { value: node.tokens[0]!, boost: Number(boost) } } };
    });
    return should.length === 1 ? should[0]! : { bool: { should, minimum_should_match: 1 } };
  }
  if (node.prefix) return { multi_match: { query: node.text, type: 'phrase_prefix', fields, max_expansions: MAX_PREFIX_EXPANSIONS } };
  return { multi_match: { query: node.text, type: 'phrase', fields } };
}

/** `*value*` for a wildcard query, with the wildcard characters of the value escaped. */
function containsPattern(value: string): string {
  return `*${value.replace(/[\\*?]/gu, (ch) => `\\${ch}`)}*`;
}

/**
 * The parsed query (search-syntax.ts) as a bool query: text as analysed match queries or folded
 * prefixes, never query_string, so no user input is query syntax and none can make it fail.
 */
export function queryNodeBody(node: SearchNode): estypes.QueryDslQueryContainer {
  switch (node.kind) {
    case 'term':
      return termQuery(node);
    case 'url':
      return { wildcard: { url: { value: containsPattern(node.value), case_insensitive: true } } };
    case 'filter':
      return term(FILTER_FIELDS[node.field], node.value);
    case 'not':
      return { bool: { must_not: [queryNodeBody(node.child)] } };
    case 'or':
      return { bool: { should: node.children.map(queryNodeBody), minimum_should_match: 1 } };
    case 'and': {
      const must = node.children.filter((child) => child.kind !== 'not').map(queryNodeBody);
      const mustNot = node.children.flatMap((child) => (child.kind === 'not' ? [queryNodeBody(child.child)] : []));
      return { bool: mustNot.length > 0 ? { must, must_not: mustNot } : { must } };
    }
  }
}

/** Facets over the whole matching set and the fetchedAt histogram, when asked for. */
function searchAggregations(search: ResolvedSearch): Record<string, estypes.AggregationsAggregationContainer> | undefined {
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
  if (search.facets) {
    for (const [name, field] of Object.entries(FACET_FIELDS)) {
      aggs[name] = { terms: { field, size: FACET_SIZE, order: [{ _count: 'desc' }, { _key: 'asc' }] } };
    }
  }
  if (search.histogram !== undefined) {
    aggs.histogram = { date_histogram: { field: 'fetchedTime', calendar_interval: search.histogram, min_doc_count: 1, time_zone: 'UTC' } };
  }
  return Object.keys(aggs).length > 0 ? aggs : undefined;
}

const FACET_SIZE = 20;
const FACET_FIELDS: Record<keyof SearchFacets, string> = { category: 'categories', target: 'targetId', language: 'language', domain: 'site' };

/** Filters do not score; the query, when there is one, ranks. */
export function pageSearchRequest(index: string, search: ResolvedSearch): estypes.SearchRequest {
  const must: estypes.QueryDslQueryContainer[] = search.query === null ? [] : [queryNodeBody(search.query)];
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (search.entityKey !== undefined) filter.push(term('entityKeys', search.entityKey));
  if (search.category !== undefined) filter.push(term('categories', search.category));
  if (search.targetId !== undefined) filter.push(term('targetId', search.targetId));
  if (search.language !== undefined) filter.push(term('language', search.language));
  if (search.domain !== undefined) filter.push(term('hostSuffixes', search.domain));
  const range = timeRange(search);
  if (range !== undefined) filter.push(range);
  const newestFirst: estypes.SortCombinations[] = [{ fetchedTime: { order: 'desc' } }, { id: { order: 'asc' } }];
  const request: estypes.SearchRequest = {
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
  const aggs = searchAggregations(search);
  if (aggs !== undefined) request.aggs = aggs;
  return request;
}

function timeRange(window: { from?: string; to?: string }): estypes.QueryDslQueryContainer | undefined {
  if (window.from === undefined && window.to === undefined) return undefined;
  const range: estypes.QueryDslDateRangeQuery = {};
  if (window.from !== undefined) range.gte = window.from;
  if (window.to !== undefined) range.lte = window.to;
  return { range: { fetchedTime: range } };
}

type Aggregations = Record<string, estypes.AggregationsAggregate> | undefined;

function termBuckets(aggregate: estypes.AggregationsAggregate | undefined): { key: string; doc_count: number }[] {
  const buckets = (aggregate as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
  return Array.isArray(buckets) ? buckets.map((bucket) => ({ key: String(bucket.key), doc_count: bucket.doc_count })) : [];
}

/** The facets and histogram of a search response, in the shape SearchResult carries. */
export function searchAggregatesFrom(aggregations: Aggregations, search: ResolvedSearch): Pick<SearchResult, 'facets' | 'histogram'> {
  const result: Pick<SearchResult, 'facets' | 'histogram'> = {};
  if (search.facets) {
    const facet = (name: keyof SearchFacets): FacetCount[] =>
      termBuckets(aggregations?.[name]).map((bucket) => ({ value: bucket.key, count: bucket.doc_count }));
    result.facets = { category: facet('category'), target: facet('target'), language: facet('language'), domain: facet('domain') };
  }
  if (search.histogram !== undefined) {
    const buckets = (aggregations?.histogram as estypes.AggregationsDateHistogramAggregate | undefined)?.buckets;
    result.histogram = (Array.isArray(buckets) ? buckets : [])
      .filter((bucket) => bucket.doc_count > 0)
      .map((bucket) => ({ start: new Date(Number(bucket.key)).toISOString(), count: bucket.doc_count }));
  }
  return result;
}

/**
 * Entities shared across sites: entity keys ordered by how many distinct sites carry them
 * (cardinality of `site`), cut below minSites, each with its pages per site.
 */
export function entityGraphRequest(index: string, options: ResolvedGraphOptions): estypes.SearchRequest {
  const range = timeRange(options);
  const terms: estypes.AggregationsTermsAggregation = {
    field: 'entityKeys',
    size: options.limit,
    order: [{ sites: 'desc' }, { _count: 'desc' }, { _key: 'asc' }],
  };
  if (options.type !== undefined) terms.include = `${options.type.replace(/[^a-z0-9]/gu, (ch) => `\\${ch}`)}:.*`;
  return {
    index,
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: range === undefined ? [] : [range] } },
    aggs: {
      entities: {
        terms,
        aggs: {
          sites: { cardinality: { field: 'site' } },
          shared: { bucket_selector: { buckets_path: { sites: 'sites' }, script: { source: 'params.sites >= params.min', params: { min: options.minSites } } } },
          bySite: { terms: { field: 'site', size: MAX_SITES_PER_ENTITY, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
        },
      },
    },
  };
}

/** Per entity, its sites with the most pages, and its totals (pages, distinct sites) for ranking. */
export function entitySiteCountsFrom(aggregations: Aggregations): { counts: EntitySiteCount[]; totals: Map<string, { sites: number; pages: number }> } {
  const buckets = (aggregations?.entities as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
  const totals = new Map<string, { sites: number; pages: number }>();
  if (!Array.isArray(buckets)) return { counts: [], totals };
  const counts = buckets.flatMap((bucket) => {
    const subs = bucket as unknown as Record<string, estypes.AggregationsAggregate>;
    const key = String(bucket.key);
    totals.set(key, { sites: Number((subs.sites as estypes.AggregationsCardinalityAggregate | undefined)?.value ?? 0), pages: bucket.doc_count });
    return termBuckets(subs.bySite).map((site) => ({ key, site: site.key, pages: site.doc_count }));
  });
  return { counts, totals };
}

/** Per site of the graph, its pages mentioning any of the graph's entities. */
export function graphSitePagesRequest(index: string, keys: readonly string[], sites: readonly string[], options: ResolvedGraphOptions): estypes.SearchRequest {
  const range = timeRange(options);
  return {
    index,
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [{ terms: { entityKeys: [...keys] } }, ...(range === undefined ? [] : [range])] } },
    aggs: { sites: { terms: { field: 'site', size: Math.max(1, sites.length), include: [...sites] } } },
  };
}

export function sitePagesFrom(aggregations: Aggregations): Map<string, number> {
  return new Map(termBuckets(aggregations?.sites).map((bucket) => [bucket.key, bucket.doc_count]));
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
